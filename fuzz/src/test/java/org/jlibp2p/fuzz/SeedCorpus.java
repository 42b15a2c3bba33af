package org.jlibp2p.fuzz;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.MemoryPipe;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multibase;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.MuxedStream;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.record.PeerRecord;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.core.util.TaskGroup;
import org.jlibp2p.muxer.mplex.Mplex;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.node.control.ControlCodec;
import org.jlibp2p.node.control.ControlRequest;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.PeerInfo;
import org.jlibp2p.node.control.StreamInfo;
import org.jlibp2p.proto.identify.IdentifyProtos;
import org.jlibp2p.proto.noise.NoiseProtos.NoiseExtensions;
import org.jlibp2p.proto.noise.NoiseProtos.NoiseHandshakePayload;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;

/**
 * Writes the seed corpus of every fuzz target: valid encodings made by the project's own encoders (and real
 * exchanges recorded between two of its peers), plus a few near misses. Each target's seeds go where Jazzer reads
 * them, {@code <resources>/<package>/<Class>Inputs/<method>/}, named by their SHA-1 as libFuzzer names its corpus.
 *
 * <p>Run with the test classpath and the resources directory as argument; existing files are kept (crash inputs
 * and what fuzzing added stay), so the corpus only grows.
 */
public final class SeedCorpus {
    private final Map<String, List<byte[]>> seeds = new LinkedHashMap<>();
    private final KeyPair ed = Keys.generateEd25519();
    private final List<KeyPair> keys = List.of(ed, Keys.generate(KeyType.SECP256K1), Keys.generate(KeyType.ECDSA),
            Keys.generateRsa(2048));

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SeedCorpus RESOURCES_DIR");
            System.exit(2);
        }
        SeedCorpus corpus = new SeedCorpus();
        corpus.generate();
        corpus.write(Path.of(args[0]));
    }

    private void add(String target, byte[] seed) {
        seeds.computeIfAbsent(target, k -> new ArrayList<>()).add(seed);
    }

    private void add(String target, String seed) {
        add(target, seed.getBytes(StandardCharsets.UTF_8));
    }

    void generate() throws Exception {
        for (long v : new long[] {0, 1, 127, 128, 300, 16384, 1L << 32, Long.MAX_VALUE}) {
            add("org.jlibp2p.fuzz.VarintFuzzTest#decode", Varint.encode(v));
        }
        add("org.jlibp2p.fuzz.VarintFuzzTest#decode", new byte[] {(byte) 0x80, 0x00});
        add("org.jlibp2p.fuzz.VarintFuzzTest#decode", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});

        PeerId peer = PeerId.fromPublicKey(ed.publicKey());
        List<String> addrs = List.of("/ip4/127.0.0.1/tcp/4001", "/ip6/::1/tcp/4001/p2p/" + peer,
                "/ip4/1.2.3.4/udp/4001/quic-v1", "/dns4/example.com/tcp/443/tls/sni/example.com/ws",
                "/dnsaddr/bootstrap.libp2p.io/p2p/" + peer + "/p2p-circuit/p2p/" + peer,
                "/ip6zone/eth0/ip6/fe80::1/tcp/1", "/unix/tmp/p2pd.sock", "/ip4/0.0.0.0/tcp/0/ws");
        for (String a : addrs) {
            try {
                Multiaddr m = Multiaddr.parse(a);
                add("org.jlibp2p.fuzz.MultiaddrFuzzTest#parse", m.bytes());
                add("org.jlibp2p.fuzz.MultiaddrFuzzTest#parse", m.toString());
            } catch (IOException e) {
                // a protocol this build does not know: no seed
            }
        }

        byte[] sample = "hello, libp2p".getBytes(StandardCharsets.UTF_8);
        for (Multibase.Encoding e : Multibase.Encoding.values()) {
            add("org.jlibp2p.fuzz.MultibaseFuzzTest#decode", Multibase.encode(e, sample));
            add("org.jlibp2p.fuzz.MultibaseFuzzTest#decode", Multibase.encode(e, new byte[] {0, 0, 1}));
        }

        for (Multihash m : List.of(Multihash.sha256(sample), Multihash.sha512(sample), Multihash.identity(sample))) {
            add("org.jlibp2p.fuzz.MultihashFuzzTest#decode", m.bytes());
        }

        Cid v0 = Cid.v0(Multihash.sha256(sample));
        Cid v1 = Cid.v1(Multicodec.LIBP2P_KEY, Multihash.identity(ed.publicKey().marshal()));
        for (Cid c : List.of(v0, v1, v0.toV1())) {
            add("org.jlibp2p.fuzz.CidFuzzTest#parse", c.bytes());
            add("org.jlibp2p.fuzz.CidFuzzTest#parse", c.toString());
            if (c.version() == 1) {
                add("org.jlibp2p.fuzz.CidFuzzTest#parse", c.toString(Multibase.Encoding.BASE36));
            }
        }

        for (KeyPair k : keys) {
            PeerId id = PeerId.fromPublicKey(k.publicKey());
            add("org.jlibp2p.fuzz.PeerIdFuzzTest#parse", id.bytes());
            add("org.jlibp2p.fuzz.PeerIdFuzzTest#parse", id.toBase58());
            add("org.jlibp2p.fuzz.PeerIdFuzzTest#parse", id.toCidString());
            // PublicKeyFuzzTest reads a signature length from the end (two bytes, here 0), the key from the front.
            add("org.jlibp2p.fuzz.PublicKeyFuzzTest#unmarshal", concat(k.publicKey().marshal(), new byte[2]));
            add("org.jlibp2p.fuzz.EnvelopeFuzzTest#open",
                    new PeerRecord(id, 1, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"))).seal(k.privateKey())
                            .marshal());
        }
        add("org.jlibp2p.fuzz.EnvelopeFuzzTest#open", new PeerRecord(peer, 7,
                List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"), Multiaddr.parse("/ip6/::1/udp/2/quic-v1"))).marshal());

        identifySeeds(peer);
        pubsubSeeds(peer);
        controlSeeds(peer);
        kademliaSeeds(peer);
        multistreamSeeds();
        noiseSeeds();
        muxerSeeds("org.jlibp2p.fuzz.YamuxFuzzTest#session", new Yamux());
        muxerSeeds("org.jlibp2p.fuzz.MplexFuzzTest#session", new Mplex());
    }

    private void identifySeeds(PeerId peer) throws IOException {
        IdentifyProtos.Identify.Builder b = IdentifyProtos.Identify.newBuilder()
                .setPublicKey(ByteString.copyFrom(ed.publicKey().marshal()))
                .addListenAddrs(ByteString.copyFrom(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001").bytes()))
                .addProtocols("/ipfs/id/1.0.0").addProtocols("/ipfs/ping/1.0.0")
                .setObservedAddr(ByteString.copyFrom(Multiaddr.parse("/ip4/1.2.3.4/tcp/55555").bytes()))
                .setProtocolVersion("ipfs/0.1.0").setAgentVersion("jlibp2p/0.1.0");
        add("org.jlibp2p.identify.IdentifyCodecFuzzTest#decode", b.build().toByteArray());
        b.setSignedPeerRecord(ByteString.copyFrom(new PeerRecord(peer, 1,
                List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"))).seal(ed.privateKey()).marshal()));
        add("org.jlibp2p.identify.IdentifyCodecFuzzTest#decode", b.build().toByteArray());
        add("org.jlibp2p.identify.IdentifyCodecFuzzTest#decode", IdentifyProtos.Identify.newBuilder()
                .addProtocols("/ipfs/id/push/1.0.0").build().toByteArray());
    }

    private void pubsubSeeds(PeerId peer) {
        byte[] seqno = {0, 0, 0, 0, 0, 0, 0, 1};
        org.jlibp2p.gossipsub.Message unsigned = new org.jlibp2p.gossipsub.Message("t", sampleData(),
                java.util.Optional.of(peer), java.util.Optional.of(seqno), java.util.Optional.empty(),
                java.util.Optional.empty());
        // signed as the spec says: "libp2p-pubsub:" and the message marshalled without signature and key
        byte[] signed = ed.privateKey().sign(concat("libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII),
                org.jlibp2p.proto.pubsub.PubsubProtos.Message.newBuilder()
                        .setFrom(ByteString.copyFrom(peer.bytes())).setData(ByteString.copyFrom(unsigned.data()))
                        .setSeqno(ByteString.copyFrom(seqno)).setTopic("t").build().toByteArray()));
        org.jlibp2p.gossipsub.Message m = new org.jlibp2p.gossipsub.Message("t", sampleData(),
                java.util.Optional.of(peer), java.util.Optional.of(seqno), java.util.Optional.of(signed),
                java.util.Optional.empty());
        org.jlibp2p.gossipsub.MessageId id = org.jlibp2p.gossipsub.MessageId.of(new byte[] {1, 2, 3});
        List<org.jlibp2p.gossipsub.Rpc> rpcs = List.of(
                org.jlibp2p.gossipsub.Rpc.ofSubscriptions(List.of(new org.jlibp2p.gossipsub.Rpc.SubOpts(true, "t"),
                        new org.jlibp2p.gossipsub.Rpc.SubOpts(false, "u"))),
                org.jlibp2p.gossipsub.Rpc.ofMessages(List.of(m, org.jlibp2p.gossipsub.Message.anonymous("t",
                        sampleData()))),
                org.jlibp2p.gossipsub.Rpc.ofControl(new org.jlibp2p.gossipsub.Rpc.Control(
                        List.of(new org.jlibp2p.gossipsub.Rpc.IHave("t", List.of(id))),
                        List.of(new org.jlibp2p.gossipsub.Rpc.IWant(List.of(id))),
                        List.of(new org.jlibp2p.gossipsub.Rpc.Graft("t")),
                        List.of(new org.jlibp2p.gossipsub.Rpc.Prune("t", List.of(
                                new org.jlibp2p.gossipsub.Rpc.PeerExchange(peer, java.util.Optional.empty())),
                                java.util.OptionalLong.of(60))),
                        List.of(new org.jlibp2p.gossipsub.Rpc.IDontWant(List.of(id))))));
        byte[] script = new byte[0];
        int control = 0;
        for (org.jlibp2p.gossipsub.Rpc r : rpcs) {
            byte[] body = org.jlibp2p.gossipsub.RpcCodec.encode(r);
            add("org.jlibp2p.gossipsub.RpcCodecFuzzTest#decode", body);
            script = concat(script, concat(new byte[] {(byte) control++}, concat(Varint.encode(body.length), body)));
        }
        add("org.jlibp2p.gossipsub.PubsubRouterFuzzTest#rpcs", script);
    }

    /** Kademlia messages of every type, and IPNS records of each key type. */
    private void kademliaSeeds(PeerId peer) throws Exception {
        org.jlibp2p.kademlia.PeerInfo info = new org.jlibp2p.kademlia.PeerInfo(peer,
                List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.parse("/ip6/::1/tcp/4001")));
        byte[] key = org.jlibp2p.kademlia.KademliaBehaviour.pkKey(peer);
        for (org.jlibp2p.kademlia.internal.KadMessage.Type t : org.jlibp2p.kademlia.internal.KadMessage.Type.values()) {
            add("org.jlibp2p.kademlia.KadCodecFuzzTest#decode", org.jlibp2p.kademlia.internal.KadCodec.encode(
                    new org.jlibp2p.kademlia.internal.KadMessage(t, key, java.util.Optional.of(
                            new org.jlibp2p.kademlia.internal.KadMessage.Record(key, ed.publicKey().marshal(),
                                    "2026-01-01T00:00:00Z")), List.of(info), List.of(info))));
        }
        for (KeyPair k : keys) {
            add("org.jlibp2p.kademlia.record.IpnsRecordFuzzTest#decode", org.jlibp2p.kademlia.record.IpnsRecord
                    .create(k.privateKey(), "/ipfs/bafkqaaa".getBytes(StandardCharsets.UTF_8), 7,
                            java.time.Instant.parse("2030-01-01T00:00:00Z"), Duration.ofMinutes(5)).encode());
        }
    }

    private static byte[] sampleData() {
        return "hello, pubsub".getBytes(StandardCharsets.UTF_8);
    }

    private void controlSeeds(PeerId peer) throws IOException {
        String target = "org.jlibp2p.node.control.ControlCodecFuzzTest#decode";
        Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
        List<ControlRequest> requests = List.of(new ControlRequest.Identify(), new ControlRequest.ListPeers(),
                new ControlRequest.Connect(peer, List.of(addr), Duration.ofSeconds(5)),
                new ControlRequest.Disconnect(peer),
                new ControlRequest.StreamOpen(peer, List.of("/echo/1.0.0"), Duration.ofSeconds(5)),
                new ControlRequest.StreamHandler(Multiaddr.parse("/unix/tmp/handler.sock"), List.of("/chat/1.0.0")),
                new ControlRequest.GetProtocols(peer), new ControlRequest.GetPeerInfo(peer));
        requests = new ArrayList<>(requests);
        requests.addAll(dhtRequests(peer));
        for (ControlRequest r : requests) {
            byte[] request = ControlCodec.encodeRequest(r);
            add(target, request);
            add("org.jlibp2p.node.ControlServerFuzzTest#requests", concat(Varint.encode(request.length), request));
        }
        List<ControlResponse> responses = List.of(new ControlResponse.Ok(),
                new ControlResponse.Identity(peer, List.of(addr)),
                new ControlResponse.Peers(List.of(new PeerInfo(peer, List.of(addr)))),
                new ControlResponse.Protocols(List.of("/ipfs/id/1.0.0")),
                new ControlResponse.Peer(new PeerInfo(peer, List.of(addr))),
                new ControlResponse.StreamOpened(new StreamInfo(peer, addr, "/echo/1.0.0")),
                new ControlResponse.Error("no such peer"),
                new ControlResponse.Dht(ControlResponse.DhtMessage.of(new PeerInfo(peer, List.of(addr)))),
                new ControlResponse.Dht(ControlResponse.DhtMessage.of(new byte[] {1, 2, 3})),
                new ControlResponse.Dht(ControlResponse.DhtMessage.begin()));
        for (ControlResponse r : responses) {
            add(target, ControlCodec.encodeResponse(r));
        }
        add(target, ControlCodec.encodeStreamInfo(new StreamInfo(peer, addr, "/echo/1.0.0")));
    }

    /** One of each DHT request, as a daemon client sends them. */
    static List<ControlRequest> dhtRequests(PeerId peer) {
        Cid cid = Cid.v1(Multicodec.RAW, Multihash.sha256("seed".getBytes(StandardCharsets.UTF_8)));
        Duration t = Duration.ofSeconds(5);
        byte[] key = ("/pk/" + peer).getBytes(StandardCharsets.UTF_8);
        return List.of(new ControlRequest.FindPeer(peer, t), new ControlRequest.FindProviders(cid, 20, t),
                new ControlRequest.GetClosestPeers(key, t), new ControlRequest.GetPublicKey(peer, t),
                new ControlRequest.GetValue(key, t), new ControlRequest.SearchValue(key, t),
                new ControlRequest.PutValue(key, new byte[] {8, 1, 18, 32}, t), new ControlRequest.Provide(cid, t));
    }

    /** What each side of a real negotiation (or handshake) read from the other: the dialer's bytes, the listener's. */
    private record Exchange(byte[] fromDialer, byte[] fromListener) {}

    private interface Side {
        void run(Duplex d) throws Exception;
    }

    private static Exchange record(Side dialer, Side listener) throws Exception {
        MemoryPipe.Pair pipe = MemoryPipe.create(1 << 20);
        Recording a = new Recording(pipe.a());
        Recording b = new Recording(pipe.b());
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<?> d = threads.submit((Callable<Void>) () -> {
                dialer.run(a);
                return null;
            });
            Future<?> l = threads.submit((Callable<Void>) () -> {
                listener.run(b);
                return null;
            });
            d.get(30, TimeUnit.SECONDS);
            l.get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        return new Exchange(b.received(), a.received());
    }

    private void multistreamSeeds() throws Exception {
        List<String> supported = List.of("/yamux/1.0.0", "/mplex/6.7.0", "/noise", "/ipfs/id/1.0.0");
        for (List<String> proposals : List.of(List.of("/noise"), List.of("/tls/1.0.0", "/noise"),
                List.of("/tls/1.0.0", "/yamux/1.0.0"), List.of("/unknown/1.0.0", "/other/2.0.0"))) {
            Exchange e = record(d -> {
                try {
                    Multistream.select(d, proposals);
                } catch (IOException ex) {
                    // no common protocol: the exchange is still a seed
                }
                d.close();
            }, l -> {
                try {
                    Multistream.accept(l, supported);
                } catch (IOException ex) {
                    // the dialer gave up
                }
            });
            add("org.jlibp2p.fuzz.MultistreamListenerFuzzTest#accept", e.fromDialer());
            add("org.jlibp2p.fuzz.MultistreamDialerFuzzTest#select", e.fromListener());
        }
        // A dialer asking for the list, by hand: the header, then 'ls' and a proposal.
        add("org.jlibp2p.fuzz.MultistreamListenerFuzzTest#accept", concat(message(Multistream.PROTOCOL_ID),
                message("ls"), message("/noise")));
    }

    private static byte[] message(String text) {
        byte[] t = (text + "\n").getBytes(StandardCharsets.UTF_8);
        return concat(Varint.encode(t.length), t);
    }

    private void noiseSeeds() throws Exception {
        NoiseSecureChannel initiator = new NoiseSecureChannel(
                new NoiseConfig(ed.privateKey()).withStreamMuxers(List.of("/yamux/1.0.0")));
        NoiseSecureChannel responder = new NoiseSecureChannel(new NoiseConfig(keys.get(1).privateKey()));
        Exchange e = record(d -> initiator.secureOutbound(d).close(), l -> {
            responder.secureInbound(l);
            l.input().read(); // until the initiator hangs up
        });
        add("org.jlibp2p.security.noise.NoiseResponderFuzzTest#secureInbound", e.fromDialer());
        add("org.jlibp2p.security.noise.NoiseInitiatorFuzzTest#secureOutbound", e.fromListener());

        String payload = "org.jlibp2p.security.noise.NoisePayloadFuzzTest#payload";
        byte[] raw = NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(ed.publicKey().marshal()))
                .setIdentitySig(ByteString.copyFrom(new byte[64]))
                .setExtensions(NoiseExtensions.newBuilder().addStreamMuxers("/yamux/1.0.0"))
                .build().toByteArray();
        add(payload, concat(raw, new byte[] {0})); // the last byte is the mode: 0 for raw bytes
        add(payload, concat("/yamux/1.0.0".getBytes(StandardCharsets.US_ASCII), new byte[] {1, 1}));

        // NoiseTransportFuzzTest takes its counts from the end: one frame of the plaintext in front.
        add("org.jlibp2p.security.noise.NoiseTransportFuzzTest#read", concat(sample(300), new byte[] {0, 1, 44, 1}));
        add("org.jlibp2p.security.noise.NoiseTransportFuzzTest#read", sample(200));
    }

    private void muxerSeeds(String target, StreamMuxer muxer) throws Exception {
        Exchange e = record(d -> converse(muxer, d, true), l -> converse(muxer, l, false));
        // The targets take, from the end: whether they are the dialer (one byte), then how much to write (two).
        add(target, concat(e.fromDialer(), new byte[] {0, 0, 0}));
        add(target, concat(e.fromListener(), new byte[] {0, 0, 1}));
    }

    /** Each side opens a stream, sends a few bytes, reads what the other sent on its stream, and closes. */
    private static void converse(StreamMuxer muxer, Duplex connection, boolean initiator) throws Exception {
        TaskGroup group = new TaskGroup("seed");
        MuxedSession session = muxer.start(connection, initiator, new ManualScheduler(), group);
        try {
            MuxedStream out = session.openStream();
            out.output().write(sample(100));
            out.output().flush();
            out.closeOutput();
            MuxedStream in = session.acceptStream();
            in.input().readAllBytes();
            in.closeOutput();
            out.input().readAllBytes();
        } finally {
            session.close();
            group.awaitIdle(Duration.ofSeconds(5));
        }
    }

    private static byte[] sample(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    void write(Path resources) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        for (Map.Entry<String, List<byte[]>> e : seeds.entrySet()) {
            String[] classAndMethod = e.getKey().split("#");
            Path dir = resources.resolve(classAndMethod[0].replace('.', '/') + "Inputs").resolve(classAndMethod[1]);
            Files.createDirectories(dir);
            for (byte[] seed : e.getValue()) {
                Files.write(dir.resolve("seed-" + HexFormat.of().formatHex(sha1.digest(seed))), seed);
            }
            System.out.println(dir + ": " + e.getValue().size() + " seeds");
        }
    }

    /** A connection that keeps a copy of every byte read from it. */
    private static final class Recording implements Duplex {
        private final Duplex inner;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final InputStream input;

        Recording(Duplex inner) {
            this.inner = inner;
            this.input = new InputStream() {
                @Override
                public int read() throws IOException {
                    int b = inner.input().read();
                    if (b >= 0) {
                        synchronized (received) {
                            received.write(b);
                        }
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = inner.input().read(b, off, len);
                    if (n > 0) {
                        synchronized (received) {
                            received.write(b, off, n);
                        }
                    }
                    return n;
                }
            };
        }

        byte[] received() {
            synchronized (received) {
                return received.toByteArray();
            }
        }

        @Override
        public InputStream input() {
            return input;
        }

        @Override
        public OutputStream output() {
            return inner.output();
        }

        @Override
        public void closeOutput() throws IOException {
            inner.closeOutput();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
