package org.jlibp2p.autonat.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.autonat.AutonatException;
import org.jlibp2p.fuzz.Checks;
import org.junit.jupiter.api.Timeout;

/**
 * AutoNAT v1 and v2 messages as a peer sends them (the body after the length prefix, which the codec bounds first):
 * decoding fails only with an {@link AutonatException}, within bounded memory, and what decodes survives a round trip.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AutonatCodecFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<AutonatV1Codec.Message> v1 = Checks.expect(() -> AutonatV1Codec.decode(input),
                    AutonatException.class);
            if (v1.isPresent()) {
                assertEquals(v1.get(), AutonatV1Codec.decode(AutonatV1Codec.encode(v1.get())));
            }
            Optional<AutonatV2Codec.Message> v2 = Checks.expect(() -> AutonatV2Codec.decode(input),
                    AutonatException.class);
            if (v2.isPresent()) {
                AutonatV2Codec.Message again = AutonatV2Codec.decode(AutonatV2Codec.encode(v2.get()));
                if (v2.get() instanceof AutonatV2Codec.DialDataResponse d) {
                    assertArrayEquals(d.data(), ((AutonatV2Codec.DialDataResponse) again).data());
                } else {
                    assertEquals(v2.get(), again);
                }
            }
        });
    }
}
