package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.multiformats.MultihashException;
import org.junit.jupiter.api.Timeout;

/** Multihashes: a whole input and a prefix decode consistently; a digest never exceeds the documented maximum. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MultihashFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 1024 * 1024, 1024), () -> {
            Optional<Multihash> whole = Checks.expect(() -> Multihash.fromBytes(input), MultihashException.class);
            Optional<Multihash.Decoded> prefix = Checks.expect(() -> Multihash.decode(input, 0, input.length),
                    MultihashException.class);
            if (whole.isPresent()) {
                assertArrayEquals(input, whole.get().bytes());
                assertEquals(whole, prefix.map(Multihash.Decoded::multihash));
            }
            if (prefix.isPresent()) {
                Multihash m = prefix.get().multihash();
                assertTrue(m.digestLength() <= Multihash.MAX_DIGEST_LENGTH);
                assertArrayEquals(Arrays.copyOf(input, prefix.get().length()), m.bytes());
                assertEquals(m.bytes().length, m.encodedLength());
            }
        });
    }
}
