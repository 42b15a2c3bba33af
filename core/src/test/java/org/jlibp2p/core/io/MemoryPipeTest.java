package org.jlibp2p.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.testing.Background;
import org.jlibp2p.core.testing.Blocking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MemoryPipeTest {
    @Test
    void aBufferGrowingWhileItsDataWrapsAroundKeepsTheBytesInOrder() throws IOException {
        MemoryPipe.Pair pipe = MemoryPipe.create(64 * 1024);
        Random random = new Random(4);
        byte[] data = new byte[64 * 1024 + 1700];
        random.nextBytes(data);
        byte[] got = new byte[data.length];
        // 700 in, 500 out (the unread part now starts mid-buffer), then enough to force growth twice over.
        pipe.a().output().write(data, 0, 700);
        assertEquals(500, pipe.b().input().readNBytes(got, 0, 500));
        pipe.a().output().write(data, 700, 1000);
        pipe.a().output().write(data, 1700, 64 * 1024 - 1200);
        int read = 500;
        read += pipe.b().input().readNBytes(got, read, 64 * 1024 - 700);
        pipe.a().output().write(data, 64 * 1024 + 500, data.length - 64 * 1024 - 500);
        pipe.a().closeOutput();
        read += pipe.b().input().readNBytes(got, read, data.length - read);
        assertEquals(data.length, read);
        assertArrayEquals(data, got);
        assertEquals(-1, pipe.b().input().read());
    }

    @Test
    void bytesFlowBothWays() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create(16);
        p.a().output().write("hello".getBytes());
        p.b().output().write("world".getBytes());
        assertArrayEquals("hello".getBytes(), p.b().input().readNBytes(5));
        assertArrayEquals("world".getBytes(), p.a().input().readNBytes(5));
        p.a().output().write(200);
        assertEquals(200, p.b().input().read());
    }

    @Test
    void largeTransferThroughSmallBufferKeepsOrder() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create(1000);
        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data);
        Background<Void> writer = Background.run(() -> {
            for (int off = 0; off < data.length; off += 777) {
                p.a().output().write(data, off, Math.min(777, data.length - off));
            }
            p.a().closeOutput();
        });
        byte[] got = p.b().input().readAllBytes();
        writer.join();
        assertArrayEquals(data, got);
    }

    @Test
    void writerBlocksWhileBufferIsFull() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create(8);
        CountDownLatch done = new CountDownLatch(1);
        Background<Void> writer = Background.run(() -> {
            p.a().output().write(new byte[20]);
            done.countDown();
        });
        Blocking.awaitBlocked(writer.thread());
        assertEquals(1, done.getCount(), "the write of 20 bytes returned with 8 of room");
        assertEquals(8, p.b().input().available());
        assertEquals(20, p.b().input().readNBytes(20).length);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        writer.join();
    }

    @Test
    void halfCloseDeliversEndOfStreamAndKeepsTheOtherDirection() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create(16);
        p.a().output().write(1);
        p.a().closeOutput();
        assertThrows(IOException.class, () -> p.a().output().write(2));
        assertEquals(1, p.b().input().read());
        assertEquals(-1, p.b().input().read());
        p.b().output().write(3);
        assertEquals(3, p.a().input().read());
    }

    @Test
    void closeFailsOwnSideAndGivesRemoteEndOfStreamAndBrokenPipe() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create(16);
        p.a().output().write(7);
        p.b().output().write(9);
        p.a().close();
        p.a().close();
        assertThrows(IOException.class, () -> p.a().input().read());
        assertThrows(IOException.class, () -> p.a().output().write(1));
        assertEquals(7, p.b().input().read());
        assertEquals(-1, p.b().input().read());
        assertThrows(IOException.class, () -> p.b().output().write(1));
    }

    @Test
    void closeWakesBlockedReaderAndWriter() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create(4);
        Background<Integer> reader = Background.call(() -> p.a().input().read());
        Background<Void> writer = Background.run(() -> p.a().output().write(new byte[100]));
        Blocking.awaitBlocked(reader.thread());
        Blocking.awaitBlocked(writer.thread());
        p.a().close();
        // The pipe's own closed-pipe failures: not an interruption, not an end of stream
        IOException read = assertThrows(IOException.class, reader::join);
        assertEquals(IOException.class, read.getClass());
        assertEquals("pipe is closed", read.getMessage());
        IOException write = assertThrows(IOException.class, writer::join);
        assertEquals(IOException.class, write.getClass());
        assertEquals("pipe output is closed", write.getMessage());
    }

    @Test
    void interruptedReadThrowsInterruptedIOException() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create(4);
        Background<Integer> reader = Background.call(() -> p.a().input().read());
        Blocking.awaitBlocked(reader.thread());
        reader.thread().interrupt();
        assertThrows(InterruptedIOException.class, reader::join);
    }
}
