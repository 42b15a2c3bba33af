package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.multistream.NegotiationException;
import org.junit.jupiter.api.Timeout;

/**
 * multistream-select as the listener ({@code Multistream.accept}), the remote dialer sending the input: the
 * negotiation agrees on a supported protocol or fails with a {@link NegotiationException} or a
 * {@link FormatException}, and answers no more than a bounded amount per byte received.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MultistreamListenerFuzzTest {
    static final List<String> SUPPORTED = List.of("/yamux/1.0.0", "/mplex/6.7.0", "/noise", "/ipfs/id/1.0.0");

    @FuzzTest
    void accept(byte[] input) throws Exception {
        ScriptedRemote[] last = new ScriptedRemote[1];
        Checks.allocatesAtMost(Checks.bound(input.length, 1024 * 1024, 1024), () -> {
            ScriptedRemote remote = new ScriptedRemote(input);
            last[0] = remote;
            Optional<String> agreed = Checks.expect(() -> Multistream.accept(remote, SUPPORTED),
                    NegotiationException.class, FormatException.class);
            agreed.ifPresent(p -> assertTrue(SUPPORTED.contains(p), "agreed on an unsupported protocol " + p));
        });
        // The header, plus at most the answer to 'ls' (the longest answer) for every 4 bytes received.
        long bound = 64 + (input.length / 4 + 1) * 128L;
        assertTrue(last[0].written() <= bound, "wrote " + last[0].written() + " bytes for " + input.length);
    }
}
