package org.jlibp2p.core.multiformats;

import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Unsigned varints: encoding into an array, decoding from an array and from a stream. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VarintBench {
    @Param({"1", "300", "1000000000"})
    public long value;

    private final byte[] buf = new byte[Varint.MAX_BYTES];
    private ByteArrayInputStream stream;

    @Setup
    public void setUp() {
        Varint.encode(value, buf, 0);
        stream = new ByteArrayInputStream(buf);
    }

    @Benchmark
    public int encode() {
        return Varint.encode(value, buf, 0);
    }

    @Benchmark
    public long decode() throws Exception {
        return Varint.decode(buf, 0, buf.length).value();
    }

    @Benchmark
    public long read() throws Exception {
        stream.reset();
        return Varint.read(stream);
    }
}
