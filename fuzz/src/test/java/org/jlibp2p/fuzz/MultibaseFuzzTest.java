package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiformats.Base58;
import org.jlibp2p.core.multiformats.Multibase;
import org.jlibp2p.core.multiformats.MultibaseException;
import org.junit.jupiter.api.Timeout;

/** Multibase text (every encoding the project reads) and bare base58: decoding fails only with its type. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MultibaseFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        Checks.allocatesAtMost(Checks.bound(input.length, 1024 * 1024, 1024), () -> {
            Optional<byte[]> decoded = Checks.expect(() -> Multibase.decode(text), MultibaseException.class);
            if (decoded.isPresent()) {
                Multibase.Encoding encoding = Multibase.encodingOf(text);
                byte[] again = Multibase.decode(Multibase.encode(encoding, decoded.get()));
                assertArrayEquals(decoded.get(), again, "re-encoding in " + encoding + " gives the same bytes");
            }
            Optional<byte[]> base58 = Checks.expect(() -> Base58.decode(text), MultibaseException.class);
            if (base58.isPresent()) {
                assertArrayEquals(base58.get(), Base58.decode(Base58.encode(base58.get())));
            }
        });
    }
}
