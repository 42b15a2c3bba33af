package org.jlibp2p.security.noise;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.fuzz.Checks;
import org.jlibp2p.fuzz.ScriptedRemote;
import org.junit.jupiter.api.Timeout;

/**
 * The Noise responder (an inbound connection) fed the input as everything the initiator sends. The first message is
 * plaintext, so the fuzzer reaches the framing and the handshake's parsing of it; the third must fail authentication,
 * which no input can pass. The handshake fails with a documented exception and never completes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NoiseResponderFuzzTest {
    @FuzzTest
    void secureInbound(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 2 * 1024 * 1024, 1024), () -> {
            ScriptedRemote remote = new ScriptedRemote(input);
            Optional<NoiseSession> session = Checks.expect(() -> NoiseFuzzing.CHANNEL.secureInbound(remote),
                    NoiseFuzzing.HANDSHAKE_FAILURES);
            assertTrue(session.isEmpty(), "a handshake completed with a remote that knows no key");
            assertTrue(remote.written() <= 2 + NoiseSession.MAX_FRAME, "the responder sends one message");
        });
    }
}
