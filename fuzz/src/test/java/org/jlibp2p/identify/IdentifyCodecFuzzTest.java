package org.jlibp2p.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.fuzz.Checks;
import org.junit.jupiter.api.Timeout;

/**
 * Identify and identify-push messages as a peer sends them (the body after the length prefix, which the protocol
 * bounds before reading): decoding fails only with a {@link FormatException}, and what decodes encodes back to a
 * message that decodes to the same information.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdentifyCodecFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<IdentifyInfo> info = Checks.expect(() -> IdentifyCodec.decode(input), FormatException.class);
            if (info.isPresent()) {
                IdentifyInfo i = info.get();
                IdentifyInfo again = IdentifyCodec.decode(IdentifyCodec.encode(i, Optional.empty()));
                assertEquals(i.publicKey(), again.publicKey());
                assertEquals(i.listenAddrs(), again.listenAddrs());
                assertEquals(i.protocols(), again.protocols());
                assertEquals(i.observedAddr(), again.observedAddr());
                assertEquals(i.agentVersion(), again.agentVersion());
                assertEquals(i.protocolVersion(), again.protocolVersion());
            }
        });
    }
}
