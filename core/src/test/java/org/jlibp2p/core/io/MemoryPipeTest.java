package org.jlibp2p.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                for (int off = 0; off < data.length; off += 777) {
                    p.a().output().write(data, off, Math.min(777, data.length - off));
                }
                p.a().closeOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] got = p.b().input().readAllBytes();
        writer.join();
        assertArrayEquals(data, got);
    }

    @Test
    void writerBlocksWhileBufferIsFull() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create(8);
        CountDownLatch done = new CountDownLatch(1);
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                p.a().output().write(new byte[20]);
                done.countDown();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertFalse(done.await(100, TimeUnit.MILLISECONDS));
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
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                p.a().input().read();
            } catch (IOException e) {
                readFailure.set(e);
            }
        });
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                p.a().output().write(new byte[100]);
            } catch (IOException e) {
                writeFailure.set(e);
            }
        });
        Blocking.awaitBlocked(reader);
        Blocking.awaitBlocked(writer);
        p.a().close();
        reader.join();
        writer.join();
        assertTrue(readFailure.get() instanceof IOException);
        assertTrue(writeFailure.get() instanceof IOException);
    }

    @Test
    void interruptedReadThrowsInterruptedIOException() throws Exception {
        MemoryPipe.Pair p = MemoryPipe.create(4);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                p.a().input().read();
            } catch (IOException e) {
                failure.set(e);
            }
        });
        Blocking.awaitBlocked(reader);
        reader.interrupt();
        reader.join();
        assertTrue(failure.get() instanceof InterruptedIOException);
    }
}
