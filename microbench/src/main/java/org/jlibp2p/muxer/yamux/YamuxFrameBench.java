package org.jlibp2p.muxer.yamux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.io.BufferPool;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.Segment;
import org.jlibp2p.core.time.SystemScheduler;
import org.jlibp2p.core.util.TaskGroup;
import org.jlibp2p.muxer.ReceiveBudget;
import org.jlibp2p.muxer.internal.SegmentQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Yamux frames: the 12-byte header codec, one data frame written by a session (header and payload to a buffering
 * output that discards them), and a frame's payload through a stream's receive buffer, copied into an array of its
 * own or lent in its pooled buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class YamuxFrameBench {
    @Param({"1024", "65507"})
    public int size;

    private final byte[] header = new byte[Header.SIZE];
    private byte[] payload;
    private byte[] readBuffer;
    private YamuxSession session;
    private SystemScheduler scheduler;
    private TaskGroup threads;
    private final SegmentQueue queue = new SegmentQueue();
    private BufferPool pool;
    private long streamId;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        payload = new byte[size];
        readBuffer = new byte[size];
        pool = new BufferPool(size, 4);
        Header.encode(header, Header.TYPE_DATA, Header.FLAG_ACK, 3, size);
        scheduler = new SystemScheduler("bench-scheduler");
        threads = new TaskGroup("bench");
        session = YamuxSession.start(new Sink(), true, YamuxConfig.DEFAULT.withKeepAliveInterval(Duration.ZERO),
                ReceiveBudget.unlimited(), scheduler, threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        threads.close(Duration.ofSeconds(5)); // the reader waits on the idle Sink until interrupted
        scheduler.close();
    }

    @Benchmark
    public long headerEncodeDecode() throws Exception {
        Header.encode(header, Header.TYPE_DATA, 0, ++streamId & 0xFFFF, size);
        return Header.decode(header).length();
    }

    @Benchmark
    public void writeDataFrame() throws IOException {
        session.writeFrame(Header.TYPE_DATA, 0, 1, size, payload, 0, size, false);
    }

    /** A received payload copied into its own array (as from a frame's plaintext), queued, then read out. */
    @Benchmark
    public int receiveBuffer() {
        queue.add(payload.clone());
        return queue.read(readBuffer, 0, size);
    }

    /**
     * A received payload left in the pooled buffer it was decrypted into (a lent {@link Segment}), queued, then read
     * out, which gives the buffer back to its pool: what a Yamux session over Noise does with a payload that fills a
     * frame.
     */
    @Benchmark
    public int receiveLentBuffer() {
        queue.add(Segment.lent(pool.take(), 0, size, pool));
        return queue.read(readBuffer, 0, size);
    }

    /** A connection whose reads block forever (an idle remote) and whose output buffers and discards. */
    private static final class Sink implements Duplex {
        private final InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                return read(new byte[1], 0, 1);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public boolean outputBuffered() {
            return true;
        }

        @Override
        public void closeOutput() {}

        @Override
        public void close() {}
    }
}
