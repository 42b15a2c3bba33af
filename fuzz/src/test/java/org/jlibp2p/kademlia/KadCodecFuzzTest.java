package org.jlibp2p.kademlia;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.fuzz.Checks;
import org.jlibp2p.kademlia.internal.KadCodec;
import org.jlibp2p.kademlia.internal.KadMessage;
import org.junit.jupiter.api.Timeout;

/**
 * Kademlia messages as a peer sends them (the body after the length prefix, which the codec bounds before reading):
 * decoding fails only with a {@link KadProtocolException}, keeps at most the configured peers and addresses, and what
 * decodes encodes to bytes that decode to the same encoding again.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KadCodecFuzzTest {
    private static final KadCodec CODEC = new KadCodec(1 << 20, 64, 32);

    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<KadMessage> m = Checks.expect(() -> CODEC.decode(input), KadProtocolException.class);
            if (m.isPresent()) {
                if (m.get().closerPeers().size() > 64 || m.get().providerPeers().size() > 64) {
                    throw new AssertionError("more peers kept than the limit");
                }
                byte[] once = KadCodec.encode(m.get());
                byte[] twice = KadCodec.encode(CODEC.decode(once));
                assertArrayEquals(once, twice, "a decoded message survives a round trip");
            }
        });
    }
}
