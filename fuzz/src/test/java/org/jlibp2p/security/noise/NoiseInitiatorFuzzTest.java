package org.jlibp2p.security.noise;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.fuzz.Checks;
import org.jlibp2p.fuzz.ScriptedRemote;
import org.junit.jupiter.api.Timeout;

/**
 * The Noise initiator (an outbound connection) fed the input as everything the responder sends: the second message's
 * ephemeral key is read in the clear, the rest must fail authentication. The handshake fails with a documented
 * exception and never completes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NoiseInitiatorFuzzTest {
    @FuzzTest
    void secureOutbound(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 2 * 1024 * 1024, 1024), () -> {
            ScriptedRemote remote = new ScriptedRemote(input);
            Optional<NoiseSession> session = Checks.expect(() -> NoiseFuzzing.CHANNEL.secureOutbound(remote),
                    NoiseFuzzing.HANDSHAKE_FAILURES);
            assertTrue(session.isEmpty(), "a handshake completed with a remote that knows no key");
            assertTrue(remote.written() <= 2 + 32, "the initiator sends its first message only");
        });
    }
}
