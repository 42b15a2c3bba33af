package org.jlibp2p.gossipsub;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
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

/**
 * One signed message sent to 50 peers, each RPC with a control part of its own (as a hub publishing to its topic's
 * peers): the frames as the node writes them, each RPC encoded whole ({@code perPeer}) or put together around the
 * message's bytes marshalled once ({@code shared}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RpcEncodeBench {
    private static final int PEERS = 50;

    @Param({"1024", "65536"})
    public int size;

    private List<Rpc> rpcs;

    @Setup
    public void setUp() {
        KeyPair key = Keys.generateEd25519();
        PeerId self = PeerId.fromPublicKey(key.publicKey());
        rpcs = new ArrayList<>();
        Message m = MessageSigning.author(SignaturePolicy.STRICT_SIGN, key.privateKey(), self, "bench",
                new byte[size], 1);
        for (int i = 0; i < PEERS; i++) {
            Rpc.Control c = i % 5 == 0 ? new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft("bench")),
                    List.of(), List.of()) : Rpc.Control.EMPTY;
            rpcs.add(new Rpc(List.of(), List.of(m), c)); // one message object in all 50, as the router sends it
        }
    }

    private final OutputStream sink = OutputStream.nullOutputStream();

    @Benchmark
    public int perPeer() throws IOException {
        int n = 0;
        for (Rpc rpc : rpcs) {
            byte[] encoded = RpcCodec.encode(rpc);
            LengthPrefixed.write(sink, encoded); // as the writer did: the prefix and the RPC copied into one array
            n += encoded.length;
        }
        return n;
    }

    @Benchmark
    public int shared() {
        RpcEncoder encoder = new RpcEncoder(); // a fresh cache each time: the message is marshalled once per call
        int n = 0;
        for (Rpc rpc : rpcs) {
            n += encoder.frame(rpc).length;
        }
        return n;
    }
}
