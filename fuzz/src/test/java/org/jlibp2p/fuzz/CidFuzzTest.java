package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.CidException;
import org.junit.jupiter.api.Timeout;

/** CIDs in binary and text: what parses round-trips through both forms; the rest fails with {@link CidException}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CidFuzzTest {
    @FuzzTest
    void parse(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        Checks.allocatesAtMost(Checks.bound(input.length, 1024 * 1024, 1024), () -> {
            Optional<Cid> binary = Checks.expect(() -> Cid.fromBytes(input), CidException.class);
            if (binary.isPresent()) {
                Cid c = binary.get();
                assertEquals(c, Cid.fromBytes(c.bytes()));
                assertEquals(c, Cid.parse(c.toString()), "the text form of " + c + " parses back");
                assertEquals(c.toV1(), Cid.fromBytes(c.toV1().bytes()));
            }
            Optional<Cid> textual = Checks.expect(() -> Cid.parse(text), CidException.class);
            if (textual.isPresent()) {
                Cid c = textual.get();
                assertEquals(c, Cid.fromBytes(c.bytes()));
                assertEquals(c, Cid.parse(c.toString()));
            }
        });
    }
}
