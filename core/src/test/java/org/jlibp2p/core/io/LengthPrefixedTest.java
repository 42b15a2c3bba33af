package org.jlibp2p.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import org.jlibp2p.core.multiformats.Varint;
import org.junit.jupiter.api.Test;

class LengthPrefixedTest {
    @Test
    void roundTrip() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LengthPrefixed.write(out, "hello".getBytes());
        LengthPrefixed.write(out, new byte[300]);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertArrayEquals("hello".getBytes(), LengthPrefixed.read(in, 1024));
        assertEquals(300, LengthPrefixed.read(in, 1024).length);
        assertThrows(EOFException.class, () -> LengthPrefixed.read(in, 1024));
    }

    @Test
    void refusesHugePrefixBeforeAllocating() {
        byte[] twoGigs = Varint.encode(2L * 1024 * 1024 * 1024);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> LengthPrefixed.read(new ByteArrayInputStream(twoGigs), 4096));
        assertEquals(2L * 1024 * 1024 * 1024, e.claimed());
        assertEquals(4096, e.limit());
    }

    @Test
    void truncatedFrame() {
        byte[] bytes = {5, 1, 2};
        assertThrows(TruncatedFrameException.class, () -> LengthPrefixed.read(new ByteArrayInputStream(bytes), 10));
    }
}
