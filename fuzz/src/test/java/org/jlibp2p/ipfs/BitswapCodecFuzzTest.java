package org.jlibp2p.ipfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.fuzz.Checks;
import org.jlibp2p.ipfs.bitswap.BitswapCodec;
import org.jlibp2p.ipfs.bitswap.BitswapLimits;
import org.jlibp2p.ipfs.bitswap.BitswapMessage;
import org.jlibp2p.ipfs.bitswap.BitswapProtocolException;
import org.junit.jupiter.api.Timeout;

/**
 * Bitswap messages as a peer sends them (the body after the length prefix, which the codec bounds first): decoding
 * fails only with a {@link BitswapProtocolException}, keeps the entry, block and presence limits, and what decodes
 * encodes to bytes that decode to the same encoding again.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BitswapCodecFuzzTest {
    private static final BitswapLimits LIMITS = new BitswapLimits(1 << 20, 1 << 16, 64, 64, 64, 64);

    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<BitswapMessage> m = Checks.expect(() -> BitswapCodec.decode(input, LIMITS),
                    BitswapProtocolException.class);
            if (m.isPresent()) {
                if (m.get().wantlist().size() > 64 || m.get().blocks().size() > 64
                        || m.get().presences().size() > 64) {
                    throw new AssertionError("more kept than the limits");
                }
                byte[] once = BitswapCodec.encode(m.get());
                byte[] twice = BitswapCodec.encode(BitswapCodec.decode(once, LIMITS));
                assertArrayEquals(once, twice, "a decoded message survives a round trip");
            }
        });
    }
}
