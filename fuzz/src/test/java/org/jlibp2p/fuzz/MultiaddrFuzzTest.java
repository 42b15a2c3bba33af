package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
import org.junit.jupiter.api.Timeout;

/**
 * Multiaddrs in both forms: the input read as binary and as text. What parses survives a round trip through the other
 * form; what does not fails with {@link MultiaddrException}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MultiaddrFuzzTest {
    @FuzzTest
    void parse(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        Checks.allocatesAtMost(Checks.bound(input.length, 1024 * 1024, 1024), () -> {
            Optional<Multiaddr> binary = Checks.expect(() -> Multiaddr.fromBytes(input), MultiaddrException.class);
            if (binary.isPresent()) {
                Multiaddr m = binary.get();
                assertArrayEquals(input, m.bytes(), "a parsed multiaddr keeps its bytes");
                assertEquals(m, Multiaddr.parse(m.toString()), "the text form of " + m + " parses back");
                m.components().forEach(c -> assertEquals(c, c));
            }
            Optional<Multiaddr> textual = Checks.expect(() -> Multiaddr.parse(text), MultiaddrException.class);
            if (textual.isPresent()) {
                Multiaddr m = textual.get();
                assertEquals(m, Multiaddr.fromBytes(m.bytes()), "the binary form of " + m + " parses back");
                assertEquals(m, Multiaddr.parse(m.toString()), "the canonical text of " + m + " parses back");
            }
        });
    }
}
