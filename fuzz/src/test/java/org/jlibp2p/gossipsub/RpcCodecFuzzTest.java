package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.fuzz.Checks;
import org.junit.jupiter.api.Timeout;

/**
 * Pubsub RPCs as a peer sends them (the body after the length prefix, which the handler bounds before reading):
 * decoding fails only with a {@link PubsubFormatException} (limits included), and what decodes encodes back to the
 * same bytes as its own encoding does once decoded again.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcCodecFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<Rpc> rpc = Checks.expect(() -> RpcCodec.decode(input, RpcLimits.defaults()),
                    PubsubFormatException.class);
            if (rpc.isPresent()) {
                byte[] once = RpcCodec.encode(rpc.get());
                byte[] twice = RpcCodec.encode(RpcCodec.decode(once, RpcLimits.defaults()));
                assertArrayEquals(once, twice, "a decoded RPC survives a round trip");
            }
        });
    }
}
