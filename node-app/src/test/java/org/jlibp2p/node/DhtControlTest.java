package org.jlibp2p.node;

import static org.jlibp2p.node.DaemonFixture.bytes;
import static org.jlibp2p.node.DaemonFixture.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.kademlia.KademliaConfig;
import org.jlibp2p.kademlia.KademliaEvent;
import org.jlibp2p.node.DaemonFixture.Control;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.DHTRequest;
import org.jlibp2p.proto.p2pd.P2pdProtos.DHTResponse;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.jlibp2p.testkit.EventRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's DHT requests through the control socket, against five in-process daemons on loopback started as a
 * line (each dialling only the one before it, by {@code -bootstrapPeers}): A, B, C and D in server mode
 * ({@code -dht}, {@code -dhtServer}), then E in client mode ({@code -dhtClient}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DhtControlTest {
    /** Every DHT request on this loopback network must answer within this (js's daemon client waits 10 s). */
    private static final Duration PROMPT = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    private static P2pd.Daemon a;
    private static P2pd.Daemon b;
    private static P2pd.Daemon c;
    private static P2pd.Daemon d;
    private static P2pd.Daemon e;
    private static final List<P2pd.Daemon> ALL = new ArrayList<>();

    @BeforeAll
    static void line() throws Exception {
        a = start("a", null, "-dht");
        b = start("b", a, "-dhtServer");
        c = start("c", b, "-dht");
        d = start("d", c, "-dht");
        e = start("e", d, "-dhtClient");
    }

    /**
     * Starts a daemon with {@code flags}, dials {@code previous} as its bootstrap peer, and waits until the DHT of
     * each server among the two has the other in its routing table (a client enters no one's table).
     */
    private static P2pd.Daemon start(String name, P2pd.Daemon previous, String... flags) throws Exception {
        P2pd.Daemon n = DaemonFixture.start(Control.UNIX, dir, name, flags);
        ALL.add(n);
        if (previous == null) {
            return n;
        }
        EventRecorder mine = new EventRecorder();
        n.swarm().addBehaviour(mine);
        EventRecorder theirs = new EventRecorder();
        previous.swarm().addBehaviour(theirs);
        String boot = previous.addresses().getFirst().withPeerId(previous.swarm().localPeer().multihash()).toString();
        P2pd.bootstrap(P2pd.flags().parse("-bootstrapPeers", boot), n.swarm(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        if (server(previous)) {
            mine.awaitEmitted(KademliaEvent.RoutingUpdated.class,
                    e -> e.added() && e.peer().equals(previous.swarm().localPeer()), Duration.ofSeconds(20));
        }
        if (server(n)) {
            theirs.awaitEmitted(KademliaEvent.RoutingUpdated.class,
                    e -> e.added() && e.peer().equals(n.swarm().localPeer()), Duration.ofSeconds(20));
        }
        return n;
    }

    private static boolean server(P2pd.Daemon n) {
        return n.dht().orElseThrow().config().mode() == KademliaConfig.Mode.SERVER;
    }

    @AfterAll
    static void stop() {
        ALL.forEach(P2pd.Daemon::close);
    }

    private static Multiaddr ctl(P2pd.Daemon n) {
        return n.control().address();
    }

    private static Request dht(DHTRequest.Builder r) {
        return Request.newBuilder().setType(Request.Type.DHT).setDht(r).build();
    }

    private static DHTRequest.Builder req(DHTRequest.Type type) {
        return DHTRequest.newBuilder().setType(type).setTimeout(30);
    }

    /** One request, one response, timed. */
    private static Response single(P2pd.Daemon n, Request r) throws IOException {
        long t0 = System.nanoTime();
        Response resp = call(ctl(n), r);
        assertPrompt(t0, r);
        return resp;
    }

    private static void assertPrompt(long t0, Object what) {
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(took.compareTo(PROMPT) < 0, what + " took " + took);
    }

    /** A streamed answer: the first response, then the bare messages up to and including END. */
    private record Streamed(Response first, List<DHTResponse> items) {}

    private static Streamed streamed(P2pd.Daemon n, Request r) throws IOException {
        long t0 = System.nanoTime();
        try (ChannelDuplex conn = new ChannelDuplex(ControlClient.connect(ControlSocket.socketAddress(ctl(n))))) {
            LengthPrefixed.write(conn.output(), r.toByteArray());
            Response first = Response.parseFrom(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
            List<DHTResponse> items = new ArrayList<>();
            if (first.getType() == Response.Type.OK) {
                for (int i = 0; i < 1000; i++) {
                    DHTResponse m = DHTResponse.parseFrom(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
                    items.add(m);
                    if (m.getType() == DHTResponse.Type.END) {
                        break;
                    }
                }
            }
            assertPrompt(t0, r);
            return new Streamed(first, items);
        }
    }

    private static void assertError(Response r, String message) {
        assertEquals(Response.Type.ERROR, r.getType(), r.toString());
        assertTrue(r.getError().getMsg().contains(message), r.getError().getMsg());
    }

    private static PeerId id(P2pd.Daemon n) {
        return n.swarm().localPeer();
    }

    private static Cid someCid(String seed) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
        return Cid.v1(0x55, Multihash.of(0x12, digest));
    }

    // ---------------------------------------------------------------- requests

    @Test
    void findPeerAcrossTheLineAnswersOneValueWithTheAddresses() throws Exception {
        Response r = single(a, dht(req(DHTRequest.Type.FIND_PEER).setPeer(bytes(id(d).bytes()))));
        assertEquals(Response.Type.OK, r.getType(), r.toString());
        assertEquals(DHTResponse.Type.VALUE, r.getDht().getType());
        assertEquals(bytes(id(d).bytes()), r.getDht().getPeer().getId());
        assertTrue(r.getDht().getPeer().getAddrsList().contains(bytes(d.addresses().getFirst().bytes())),
                r.toString());
        // and from the client-mode daemon, which finds the servers without serving
        Response fromClient = single(e, dht(req(DHTRequest.Type.FIND_PEER).setPeer(bytes(id(a).bytes()))));
        assertEquals(bytes(id(a).bytes()), fromClient.getDht().getPeer().getId(), fromClient.toString());
    }

    @Test
    void aSingleAnswerIsExactlyOneOkResponseCarryingTheValue() throws Exception {
        try (ChannelDuplex conn = new ChannelDuplex(ControlClient.connect(ControlSocket.socketAddress(ctl(b))))) {
            LengthPrefixed.write(conn.output(), dht(req(DHTRequest.Type.FIND_PEER).setPeer(bytes(id(a).bytes())))
                    .toByteArray());
            byte[] frame = LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE);
            Response r = Response.parseFrom(frame);
            // field 1 (type) = OK, then field 5 (dht) and nothing else
            assertEquals(0x08, frame[0]);
            assertEquals(0x00, frame[1]);
            assertEquals(0x2a, frame[2]);
            Response expected = Response.newBuilder().setType(Response.Type.OK).setDht(DHTResponse.newBuilder()
                    .setType(DHTResponse.Type.VALUE).setPeer(P2pdProtos.PeerInfo.newBuilder()
                            .setId(bytes(id(a).bytes())).addAllAddrs(r.getDht().getPeer().getAddrsList()))).build();
            assertArrayEquals(expected.toByteArray(), frame);
            assertFalse(r.getDht().getPeer().getAddrsList().isEmpty());
            // nothing follows: the next frame answers the next request
            LengthPrefixed.write(conn.output(), Request.newBuilder().setType(Request.Type.IDENTIFY).build()
                    .toByteArray());
            Response next = Response.parseFrom(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
            assertEquals(bytes(id(b).bytes()), next.getIdentify().getId());
        }
    }

    @Test
    void provideThenFindProvidersStreamsBeginValueEndByteForByte() throws Exception {
        Cid cid = someCid("provided by d");
        Response ok = single(d, dht(req(DHTRequest.Type.PROVIDE).setCid(ByteString.copyFrom(cid.bytes()))));
        assertEquals(Response.Type.OK, ok.getType(), ok.toString());
        assertFalse(ok.hasDht());
        try (ChannelDuplex conn = new ChannelDuplex(ControlClient.connect(ControlSocket.socketAddress(ctl(a))))) {
            long t0 = System.nanoTime();
            LengthPrefixed.write(conn.output(), dht(req(DHTRequest.Type.FIND_PROVIDERS)
                    .setCid(ByteString.copyFrom(cid.bytes())).setCount(1)).toByteArray());
            byte[] first = LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE);
            assertArrayEquals(Response.newBuilder().setType(Response.Type.OK).setDht(DHTResponse.newBuilder()
                    .setType(DHTResponse.Type.BEGIN)).build().toByteArray(), first);
            assertArrayEquals(new byte[] {0x08, 0x00, 0x2a, 0x02, 0x08, 0x00}, first);
            byte[] value = LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE);
            DHTResponse v = DHTResponse.parseFrom(value);
            assertEquals(DHTResponse.Type.VALUE, v.getType());
            assertEquals(bytes(id(d).bytes()), v.getPeer().getId());
            // a bare DHTResponse, not wrapped in a Response: it starts with its own type field, VALUE = 1
            assertArrayEquals(new byte[] {0x08, 0x01, 0x12}, java.util.Arrays.copyOf(value, 3));
            assertArrayEquals(DHTResponse.newBuilder().setType(DHTResponse.Type.VALUE).setPeer(v.getPeer()).build()
                    .toByteArray(), value);
            byte[] end = LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE);
            assertArrayEquals(new byte[] {0x08, 0x02}, end);
            assertPrompt(t0, "FIND_PROVIDERS");
        }
    }

    @Test
    void findProvidersOfAnUnknownKeyIsBeginThenEnd() throws Exception {
        Streamed s = streamed(b, dht(req(DHTRequest.Type.FIND_PROVIDERS).setCid(ByteString.copyFrom(
                someCid("nobody provides this").bytes()))));
        assertEquals(DHTResponse.Type.BEGIN, s.first().getDht().getType());
        assertEquals(List.of(DHTResponse.Type.END), s.items().stream().map(DHTResponse::getType).toList());
    }

    @Test
    void closestPeersStreamPeerIdsOfTheNetwork() throws Exception {
        Streamed s = streamed(a, dht(req(DHTRequest.Type.GET_CLOSEST_PEERS).setKey(ByteString.copyFromUtf8("hello"))));
        assertEquals(DHTResponse.Type.BEGIN, s.first().getDht().getType(), s.first().toString());
        assertEquals(DHTResponse.Type.END, s.items().getLast().getType());
        Set<PeerId> servers = Set.of(id(b), id(c), id(d));
        Set<PeerId> got = new HashSet<>();
        for (DHTResponse m : s.items().subList(0, s.items().size() - 1)) {
            assertEquals(DHTResponse.Type.VALUE, m.getType());
            got.add(PeerId.fromBytes(m.getValue().toByteArray()));
        }
        // the servers other than A itself; E, a client, serves nothing
        assertEquals(servers, got);
    }

    @Test
    void putGetAndSearchAPublicKeyRecord() throws Exception {
        KeyPair rsa = Keys.generateRsa(2048);
        PeerId peer = PeerId.fromPublicKey(rsa.publicKey());
        byte[] key = KademliaBehaviour.pkKey(peer);
        byte[] value = rsa.publicKey().marshal();
        Response put = single(a, dht(req(DHTRequest.Type.PUT_VALUE).setKey(ByteString.copyFrom(key))
                .setValue(ByteString.copyFrom(value))));
        assertEquals(Response.Type.OK, put.getType(), put.toString());

        Response got = single(d, dht(req(DHTRequest.Type.GET_VALUE).setKey(ByteString.copyFrom(key))));
        assertEquals(DHTResponse.Type.VALUE, got.getDht().getType(), got.toString());
        assertArrayEquals(value, got.getDht().getValue().toByteArray());

        Response pk = single(e, dht(req(DHTRequest.Type.GET_PUBLIC_KEY).setPeer(bytes(peer.bytes()))));
        assertArrayEquals(value, pk.getDht().getValue().toByteArray(), pk.toString());

        Streamed s = streamed(b, dht(req(DHTRequest.Type.SEARCH_VALUE).setKey(ByteString.copyFrom(key))));
        assertEquals(DHTResponse.Type.BEGIN, s.first().getDht().getType());
        assertEquals(DHTResponse.Type.END, s.items().getLast().getType());
        assertTrue(s.items().size() >= 2, s.items().toString());
        assertArrayEquals(value, s.items().get(s.items().size() - 2).getValue().toByteArray());
    }

    @Test
    void publicKeyOfAnInlinedIdNeedsNoRecord() throws Exception {
        Response pk = single(a, dht(req(DHTRequest.Type.GET_PUBLIC_KEY).setPeer(bytes(id(d).bytes()))));
        assertArrayEquals(id(d).extractPublicKey().orElseThrow().marshal(), pk.getDht().getValue().toByteArray());
    }

    // ---------------------------------------------------------------- errors

    @Test
    void failuresAreErrorsAndTheConnectionCarriesOn() throws Exception {
        try (ChannelDuplex conn = new ChannelDuplex(ControlClient.connect(ControlSocket.socketAddress(ctl(a))))) {
            List<Object[]> cases = List.of(
                    new Object[] {Request.newBuilder().setType(Request.Type.DHT).build(),
                            "Malformed request; missing parameters"},
                    new Object[] {dht(req(DHTRequest.Type.FIND_PEER)), "Malformed request; missing peer parameter"},
                    new Object[] {dht(req(DHTRequest.Type.FIND_PEER).setPeer(ByteString.copyFromUtf8("bad"))), "peer"},
                    new Object[] {dht(req(DHTRequest.Type.PROVIDE).setCid(ByteString.copyFrom(new byte[] {1, 2}))),
                            "CID"},
                    new Object[] {dht(req(DHTRequest.Type.PUT_VALUE).setKey(ByteString.copyFromUtf8("k"))),
                            "Malformed request; missing value parameter"},
                    new Object[] {dht(req(DHTRequest.Type.PUT_VALUE).setKey(ByteString.copyFromUtf8("/nope/k"))
                            .setValue(ByteString.copyFromUtf8("v"))), "nope"},
                    new Object[] {dht(req(DHTRequest.Type.GET_VALUE).setKey(ByteString.copyFromUtf8("/pk/none"))),
                            DhtControl.NOT_FOUND},
                    new Object[] {dht(req(DHTRequest.Type.GET_PUBLIC_KEY).setPeer(bytes(PeerId.fromPublicKey(
                            Keys.generateRsa(2048).publicKey()).bytes()))), DhtControl.NOT_FOUND},
                    new Object[] {dht(req(DHTRequest.Type.FIND_PEERS_CONNECTED_TO_PEER).setPeer(bytes(id(b).bytes()))),
                            "not supported"},
                    new Object[] {dht(req(DHTRequest.Type.FIND_PEER).setPeer(bytes(
                            PeerId.fromPublicKey(Keys.generateEd25519().publicKey()).bytes()))), DhtControl.NOT_FOUND});
            for (Object[] c : cases) {
                long t0 = System.nanoTime();
                LengthPrefixed.write(conn.output(), ((Request) c[0]).toByteArray());
                Response r = Response.parseFrom(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
                assertPrompt(t0, c[0]);
                assertEquals(Response.Type.ERROR, r.getType(), c[0] + " answered " + r);
                assertTrue(r.getError().getMsg().toLowerCase().contains(((String) c[1]).toLowerCase()),
                        c[1] + " in " + r.getError().getMsg());
            }
            // still serving this connection
            LengthPrefixed.write(conn.output(), dht(req(DHTRequest.Type.FIND_PEER).setPeer(bytes(id(b).bytes())))
                    .toByteArray());
            Response r = Response.parseFrom(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
            assertEquals(Response.Type.OK, r.getType(), r.toString());
        }
    }

    @Test
    void aDaemonWithoutDhtAnswersDhtNotEnabled() throws Exception {
        try (P2pd.Daemon plain = DaemonFixture.start(Control.TCP, dir, "plain")) {
            assertTrue(plain.dht().isEmpty());
            for (DHTRequest.Builder r : List.of(req(DHTRequest.Type.FIND_PEER).setPeer(bytes(id(a).bytes())),
                    req(DHTRequest.Type.GET_CLOSEST_PEERS).setKey(ByteString.copyFromUtf8("k")),
                    req(DHTRequest.Type.FIND_PEERS_CONNECTED_TO_PEER).setPeer(bytes(id(a).bytes())))) {
                assertError(call(ctl(plain), dht(r)), "DHT not enabled");
            }
        }
    }

    @Test
    void aLoneDhtHasNoPeersToAskAndSaysSo() throws Exception {
        try (P2pd.Daemon lone = DaemonFixture.start(Control.TCP, dir, "lone", "-dht")) {
            assertError(call(ctl(lone), dht(req(DHTRequest.Type.GET_CLOSEST_PEERS).setKey(
                    ByteString.copyFromUtf8("k")))), DhtControl.NO_PEERS);
            assertError(call(ctl(lone), dht(req(DHTRequest.Type.PROVIDE).setCid(ByteString.copyFrom(
                    someCid("lone").bytes())))), DhtControl.NO_PEERS);
            // As go's, a put with nobody to take it fails, but the value is stored locally and served from there.
            KeyPair rsa = Keys.generateRsa(2048);
            byte[] key = KademliaBehaviour.pkKey(PeerId.fromPublicKey(rsa.publicKey()));
            assertError(call(ctl(lone), dht(req(DHTRequest.Type.PUT_VALUE).setKey(ByteString.copyFrom(key))
                    .setValue(ByteString.copyFrom(rsa.publicKey().marshal())))), DhtControl.NO_PEERS);
            Response got = single(lone, dht(req(DHTRequest.Type.GET_VALUE).setKey(ByteString.copyFrom(key))));
            assertArrayEquals(rsa.publicKey().marshal(), got.getDht().getValue().toByteArray(), got.toString());
        }
    }

    // ---------------------------------------------------------------- flags

    @Test
    void flagsChooseTheModeAndPrivateAddressesFollowTheListenAddresses() throws Exception {
        assertEquals(KademliaConfig.Mode.SERVER, P2pd.dhtMode(P2pd.flags().parse("-dht")).orElseThrow());
        assertEquals(KademliaConfig.Mode.SERVER, P2pd.dhtMode(P2pd.flags().parse("-dhtServer")).orElseThrow());
        assertEquals(KademliaConfig.Mode.CLIENT, P2pd.dhtMode(P2pd.flags().parse("-dhtClient")).orElseThrow());
        assertEquals(KademliaConfig.Mode.SERVER, P2pd.dhtMode(P2pd.flags().parse("-dht", "-dhtClient")).orElseThrow());
        assertTrue(P2pd.dhtMode(P2pd.flags().parse()).isEmpty());
        assertTrue(P2pd.dhtConfig(KademliaConfig.Mode.SERVER, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"),
                Multiaddr.parse("/ip4/192.168.1.2/tcp/1"))).privateAddresses());
        assertFalse(P2pd.dhtConfig(KademliaConfig.Mode.SERVER, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"),
                Multiaddr.parse("/ip4/203.0.113.7/tcp/1"))).privateAddresses());
        // a client serves nothing: identify does not advertise the protocol
        assertFalse(e.swarm().protocols().contains(KademliaBehaviour.PROTOCOL_ID));
        assertTrue(a.swarm().protocols().contains(KademliaBehaviour.PROTOCOL_ID));
    }

    // ---------------------------------------------------------------- p2pctl

    private record Run(int status, String out, String err) {}

    private static Run p2pctl(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = P2pctl.run(args, new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run p2pctl(String... args) {
        return p2pctl(new byte[0], args);
    }

    private static JsonObject json(Run r) {
        assertEquals(0, r.status(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    @Test
    void p2pctlDhtCommandsInTextAndJson() throws Exception {
        String ca = ctl(a).toString();
        String cd = ctl(d).toString();
        Run fp = p2pctl("-control", ca, "dht", "find-peer", id(d).toString());
        assertEquals(0, fp.status(), fp.err());
        assertTrue(fp.out().startsWith("Peer ID: " + id(d) + "\nPeer Addrs:\n"), fp.out());
        JsonObject fpj = json(p2pctl("-control", ca, "dht", "find-peer", "--json", id(d).toString()));
        assertEquals(id(d).toString(), fpj.get("id").getAsString());
        assertTrue(fpj.get("addrs").getAsJsonArray().size() > 0);

        Cid cid = someCid("p2pctl provide");
        Run prov = p2pctl("-control", cd, "dht", "provide", cid.toString());
        assertEquals(0, prov.status(), prov.err());
        JsonObject provs = json(p2pctl("-control", ca, "-json", "dht", "find-providers", "-n", "1", cid.toString()));
        assertEquals(id(d).toString(), provs.get("providers").getAsJsonArray().get(0).getAsJsonObject().get("id")
                .getAsString());
        Run provText = p2pctl("-control", ca, "dht", "-timeout", "20s", "find-providers", cid.toString());
        assertTrue(provText.out().startsWith(id(d).toString() + " /ip4/127.0.0.1/tcp/"), provText.out());

        JsonObject closest = json(p2pctl("-control", ca, "dht", "closest", "--json", "some key"));
        assertTrue(closest.get("peers").getAsJsonArray().asList().stream()
                .anyMatch(p -> p.getAsString().equals(id(b).toString())), closest.toString());

        KeyPair rsa = Keys.generateRsa(2048);
        PeerId peer = PeerId.fromPublicKey(rsa.publicKey());
        byte[] value = rsa.publicKey().marshal();
        Run put = p2pctl(value, "-control", cd, "dht", "put", "/pk/" + peer);
        assertEquals(0, put.status(), put.err());
        Run get = p2pctl("-control", ca, "dht", "get", "/pk/" + peer);
        assertArrayEquals(value, Base64.getDecoder().decode(get.out().strip()), get.err());
        JsonObject search = json(p2pctl("-control", ca, "dht", "search", "--json", "/pk/" + peer));
        assertArrayEquals(value, Base64.getDecoder().decode(search.get("values").getAsJsonArray().asList().getLast()
                .getAsString()));
        JsonObject pk = json(p2pctl("-control", ca, "-json", "dht", "get-public-key", peer.toString()));
        assertArrayEquals(value, Base64.getDecoder().decode(pk.get("publicKey").getAsString()));

        Run missing = p2pctl("-control", ca, "dht", "get", "/pk/" + PeerId.fromPublicKey(
                Keys.generateRsa(2048).publicKey()));
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains(DhtControl.NOT_FOUND), missing.err());
        assertEquals(2, p2pctl("-control", ca, "dht", "bogus").status());
        assertEquals(2, p2pctl("-control", ca, "dht", "provide", "not-a-cid").status());
    }
}
