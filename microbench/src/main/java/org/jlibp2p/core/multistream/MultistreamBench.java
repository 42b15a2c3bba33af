package org.jlibp2p.core.multistream;

import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** multistream-select messages: encoding a proposal (header and protocol id) and reading one message back. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MultistreamBench {
    private static final String PROTOCOL = "/perf/1.0.0";
    private final ByteArrayInputStream message = new ByteArrayInputStream(Multistream.encode(PROTOCOL));

    @Benchmark
    public byte[] encodeProposal() {
        return Multistream.encode(Multistream.PROTOCOL_ID, PROTOCOL);
    }

    @Benchmark
    public String readMessage() throws Exception {
        message.reset();
        return Multistream.readMessage(message);
    }
}
