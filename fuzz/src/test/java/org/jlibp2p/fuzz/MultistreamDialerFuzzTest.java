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
 * multistream-select as the dialer ({@code Multistream.select}), the remote listener sending the input: the dialer
 * agrees only on a protocol it proposed, or fails with a {@link NegotiationException} (including
 * {@code NoCommonProtocolException}) or a {@link FormatException}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MultistreamDialerFuzzTest {
    static final List<String> PROPOSED = List.of("/noise", "/tls/1.0.0", "/yamux/1.0.0");

    @FuzzTest
    void select(byte[] input) throws Exception {
        ScriptedRemote[] last = new ScriptedRemote[1];
        Checks.allocatesAtMost(Checks.bound(input.length, 1024 * 1024, 1024), () -> {
            ScriptedRemote remote = new ScriptedRemote(input);
            last[0] = remote;
            Optional<String> agreed = Checks.expect(() -> Multistream.select(remote, PROPOSED),
                    NegotiationException.class, FormatException.class);
            agreed.ifPresent(p -> assertTrue(PROPOSED.contains(p), "agreed on a protocol never proposed: " + p));
        });
        assertTrue(last[0].written() <= 256, "the dialer sends its header and each proposal once");
    }
}
