package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.multiformats.VarintException;
import org.junit.jupiter.api.Timeout;

/** Unsigned varints: the three decoders agree with each other and with the encoder, and fail only with their types. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VarintFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 1024 * 1024, 1024), () -> {
            Optional<Varint.Decoded> fromArray = Checks.expect(() -> Varint.decode(input), VarintException.class);
            ByteBuffer buffer = ByteBuffer.wrap(input);
            Optional<Long> fromBuffer = Checks.expect(() -> Varint.decode(buffer), VarintException.class);
            Optional<Long> fromStream = Checks.expect(() -> Varint.read(new ByteArrayInputStream(input)),
                    VarintException.class, EOFException.class);

            assertEquals(fromArray.map(Varint.Decoded::value), fromBuffer, "array and buffer decoders disagree");
            assertEquals(fromArray.map(Varint.Decoded::value), fromStream, "array and stream decoders disagree");
            if (fromArray.isPresent()) {
                Varint.Decoded d = fromArray.get();
                assertEquals(d.length(), buffer.position(), "the buffer advanced past the varint only");
                assertArrayEquals(Arrays.copyOf(input, d.length()), Varint.encode(d.value()),
                        "a decoded varint is minimal, so encoding its value gives its bytes back");
                assertEquals(d.length(), Varint.encodedLength(d.value()));
            } else {
                assertEquals(0, buffer.position(), "a failed decode leaves the buffer where it was");
            }
        });
    }
}
