package org.jlibp2p.node.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.node.control.ControlRequest.Area;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.junit.jupiter.api.Test;

/** The mapping between p2pd.proto messages and the control records, both ways, and what it refuses. */
class ControlCodecTest {
    private static final PeerId PEER = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    private static final Multiaddr TCP = addr("/ip4/127.0.0.1/tcp/4001");
    private static final Multiaddr UNIX = addr("/unix/tmp/handler.sock");
    private static final Duration DEFAULT = ControlCodec.DEFAULT_OPERATION_TIMEOUT;

    private static Multiaddr addr(String s) {
        try {
            return Multiaddr.parse(s);
        } catch (FormatException e) {
            throw new AssertionError(e);
        }
    }

    private static ByteString bytes(byte[] b) {
        return ByteString.copyFrom(b);
    }

    private static Request.Builder request(Request.Type type) {
        return Request.newBuilder().setType(type);
    }

    private static ControlRequest decode(Request.Builder req) throws Exception {
        return ControlCodec.decodeRequest(req.buildPartial().toByteArray());
    }

    private static P2pdProtos.PeerstoreRequest.Builder peerstore(P2pdProtos.PeerstoreRequest.Type type) {
        return P2pdProtos.PeerstoreRequest.newBuilder().setType(type).setId(bytes(PEER.bytes()));
    }

    @Test
    void everyRequestTypeDecodesToItsRecord() throws Exception {
        assertEquals(new ControlRequest.Identify(), decode(request(Request.Type.IDENTIFY)));
        assertEquals(new ControlRequest.Connect(PEER, List.of(TCP), Duration.ofSeconds(5)),
                decode(request(Request.Type.CONNECT).setConnect(P2pdProtos.ConnectRequest.newBuilder()
                        .setPeer(bytes(PEER.bytes())).addAddrs(bytes(TCP.bytes())).setTimeout(5))));
        assertEquals(new ControlRequest.Disconnect(PEER), decode(request(Request.Type.DISCONNECT)
                .setDisconnect(P2pdProtos.DisconnectRequest.newBuilder().setPeer(bytes(PEER.bytes())))));
        assertEquals(new ControlRequest.ListPeers(), decode(request(Request.Type.LIST_PEERS)));
        assertEquals(new ControlRequest.StreamOpen(PEER, List.of("/a/1", "/b/1"), DEFAULT),
                decode(request(Request.Type.STREAM_OPEN).setStreamOpen(P2pdProtos.StreamOpenRequest.newBuilder()
                        .setPeer(bytes(PEER.bytes())).addProto("/a/1").addProto("/b/1"))));
        assertEquals(new ControlRequest.StreamHandler(UNIX, List.of("/chat/1.0.0")),
                decode(request(Request.Type.STREAM_HANDLER).setStreamHandler(P2pdProtos.StreamHandlerRequest
                        .newBuilder().setAddr(bytes(UNIX.bytes())).addProto("/chat/1.0.0"))));
        assertEquals(new ControlRequest.GetProtocols(PEER), decode(request(Request.Type.PEERSTORE)
                .setPeerStore(peerstore(P2pdProtos.PeerstoreRequest.Type.GET_PROTOCOLS))));
        assertEquals(new ControlRequest.GetPeerInfo(PEER), decode(request(Request.Type.PEERSTORE)
                .setPeerStore(peerstore(P2pdProtos.PeerstoreRequest.Type.GET_PEER_INFO))));
        assertEquals(new ControlRequest.TagPeer(PEER, "app", -7), decode(request(Request.Type.CONNMANAGER)
                .setConnManager(connManager(P2pdProtos.ConnManagerRequest.Type.TAG_PEER).setPeer(bytes(PEER.bytes()))
                        .setTag("app").setWeight(-7))));
        assertEquals(new ControlRequest.TagPeer(PEER, "app", 0), decode(request(Request.Type.CONNMANAGER)
                .setConnManager(connManager(P2pdProtos.ConnManagerRequest.Type.TAG_PEER).setPeer(bytes(PEER.bytes()))
                        .setTag("app"))), "the weight defaults to 0");
        assertEquals(new ControlRequest.UntagPeer(PEER, "app"), decode(request(Request.Type.CONNMANAGER)
                .setConnManager(connManager(P2pdProtos.ConnManagerRequest.Type.UNTAG_PEER)
                        .setPeer(bytes(PEER.bytes())).setTag("app"))));
        assertEquals(new ControlRequest.Trim(), decode(request(Request.Type.CONNMANAGER)
                .setConnManager(connManager(P2pdProtos.ConnManagerRequest.Type.TRIM))));
    }

    private static P2pdProtos.ConnManagerRequest.Builder connManager(P2pdProtos.ConnManagerRequest.Type type) {
        return P2pdProtos.ConnManagerRequest.newBuilder().setType(type);
    }

    @Test
    void connManagerRequestsWithoutAPeerOrATagOrWithAnOversizedWeightAreFormatErrors() {
        var tag = P2pdProtos.ConnManagerRequest.Type.TAG_PEER;
        var untag = P2pdProtos.ConnManagerRequest.Type.UNTAG_PEER;
        for (var t : List.of(tag, untag)) {
            FormatException noTag = assertThrows(FormatException.class, () -> decode(request(Request.Type.CONNMANAGER)
                    .setConnManager(connManager(t).setPeer(bytes(PEER.bytes())))));
            assertEquals("malformed " + t + " request: missing tag parameter", noTag.getMessage());
            FormatException noPeer = assertThrows(FormatException.class, () -> decode(
                    request(Request.Type.CONNMANAGER).setConnManager(connManager(t).setTag("app"))));
            assertEquals(t + " names no peer", noPeer.getMessage());
            assertThrows(FormatException.class, () -> decode(request(Request.Type.CONNMANAGER)
                    .setConnManager(connManager(t).setPeer(bytes(new byte[] {1, 2, 3})).setTag("app"))));
        }
        FormatException big = assertThrows(FormatException.class, () -> decode(request(Request.Type.CONNMANAGER)
                .setConnManager(connManager(tag).setPeer(bytes(PEER.bytes())).setTag("app")
                        .setWeight(1L << 40))));
        assertTrue(big.getMessage().contains("out of range"), big.getMessage());
    }

    @Test
    void requestsOfAreasNotServedDecodeAsUnsupportedNamingTheOperation() throws Exception {
        assertEquals(new ControlRequest.Unsupported(Area.DHT, "FIND_PEERS_CONNECTED_TO_PEER"),
                decode(request(Request.Type.DHT).setDht(P2pdProtos.DHTRequest.newBuilder()
                        .setType(P2pdProtos.DHTRequest.Type.FIND_PEERS_CONNECTED_TO_PEER))));
        assertEquals(new ControlRequest.Unsupported(Area.PEERSTORE, "UNSPECIFIED"),
                decode(request(Request.Type.PEERSTORE).setPeerStore(P2pdProtos.PeerstoreRequest.newBuilder()
                        .setId(bytes(PEER.bytes())))));
    }

    @Test
    void pubsubRequestsAndMessagesRoundTrip() throws Exception {
        for (ControlRequest r : List.of(new ControlRequest.PubsubGetTopics(), new ControlRequest.PubsubListPeers("t"),
                new ControlRequest.PubsubListPeers(""), new ControlRequest.PubsubSubscribe("t"))) {
            assertEquals(r, ControlCodec.decodeRequest(ControlCodec.encodeRequest(r)));
        }
        ControlRequest.PubsubPublish pub = new ControlRequest.PubsubPublish("t", new byte[] {1, 2});
        assertEquals(pub, ControlCodec.decodeRequest(ControlCodec.encodeRequest(pub)), "equal by content");
        assertArrayEquals(new byte[] {1, 2}, pub.data());
        assertThrows(FormatException.class, () -> decode(request(Request.Type.PUBSUB)
                .setPubsub(P2pdProtos.PSRequest.newBuilder().setType(P2pdProtos.PSRequest.Type.PUBLISH))),
                "PUBLISH without a topic");
        assertThrows(FormatException.class, () -> decode(request(Request.Type.PUBSUB)
                .setPubsub(P2pdProtos.PSRequest.newBuilder().setType(P2pdProtos.PSRequest.Type.SUBSCRIBE))));
        assertThrows(BadRequestException.class, () -> decode(request(Request.Type.PUBSUB)));

        ControlResponse.PubsubPeers peers = new ControlResponse.PubsubPeers(List.of(PEER));
        assertEquals(peers, ControlCodec.decodeResponse(new ControlRequest.PubsubListPeers(""),
                ControlCodec.encodeResponse(peers)));
        ControlResponse.PubsubTopics topics = new ControlResponse.PubsubTopics(List.of("a", "b"));
        assertEquals(topics, ControlCodec.decodeResponse(new ControlRequest.PubsubGetTopics(),
                ControlCodec.encodeResponse(topics)));

        PubsubMessage m = new PubsubMessage(java.util.Optional.of(PEER), new byte[] {7},
                java.util.Optional.of(new byte[] {0, 1}), List.of("t"), java.util.Optional.of(new byte[] {9}),
                java.util.Optional.empty());
        PubsubMessage back = ControlCodec.decodePubsubMessage(ControlCodec.encodePubsubMessage(m));
        assertEquals(m.from(), back.from());
        assertArrayEquals(m.data(), back.data());
        assertArrayEquals(m.seqno().get(), back.seqno().get());
        assertEquals(List.of("t"), back.topics());
        assertArrayEquals(new byte[] {9}, back.signature().get());
        assertTrue(back.key().isEmpty());
    }

    @Test
    void timeoutsAreSecondsWithADefaultAndACap() throws Exception {
        P2pdProtos.ConnectRequest.Builder c = P2pdProtos.ConnectRequest.newBuilder().setPeer(bytes(PEER.bytes()));
        assertEquals(DEFAULT, ((ControlRequest.Connect) decode(request(Request.Type.CONNECT).setConnect(c)))
                .timeout());
        assertEquals(DEFAULT, ((ControlRequest.Connect) decode(request(Request.Type.CONNECT)
                .setConnect(c.setTimeout(-3)))).timeout());
        assertEquals(ControlCodec.MAX_OPERATION_TIMEOUT, ((ControlRequest.Connect) decode(
                request(Request.Type.CONNECT).setConnect(c.setTimeout(Long.MAX_VALUE)))).timeout());
        // a client's timeout under a second is sent as one second, not as zero (which would mean the default)
        byte[] wire = ControlCodec.encodeRequest(new ControlRequest.Connect(PEER, List.of(), Duration.ofMillis(300)));
        assertEquals(1, Request.parseFrom(wire).getConnect().getTimeout());
    }

    @Test
    void whatAClientSendsDecodesToTheSameRequest() throws Exception {
        List<ControlRequest> all = List.of(
                new ControlRequest.Identify(),
                new ControlRequest.Connect(PEER, List.of(TCP, UNIX), Duration.ofSeconds(7)),
                new ControlRequest.Disconnect(PEER),
                new ControlRequest.ListPeers(),
                new ControlRequest.StreamOpen(PEER, List.of("/echo/1.0.0"), Duration.ofSeconds(2)),
                new ControlRequest.StreamHandler(TCP, List.of("/x/1", "/y/1")),
                new ControlRequest.GetProtocols(PEER),
                new ControlRequest.GetPeerInfo(PEER),
                new ControlRequest.TagPeer(PEER, "app", Integer.MIN_VALUE),
                new ControlRequest.UntagPeer(PEER, "app"),
                new ControlRequest.Trim());
        for (ControlRequest r : all) {
            assertEquals(r, ControlCodec.decodeRequest(ControlCodec.encodeRequest(r)));
        }
        assertThrows(IllegalArgumentException.class,
                () -> ControlCodec.encodeRequest(new ControlRequest.Unsupported(Area.DHT, "FIND_PEER")));
    }

    // ---------------------------------------------------------------- DHT

    private static P2pdProtos.DHTRequest.Builder dht(P2pdProtos.DHTRequest.Type type) {
        return P2pdProtos.DHTRequest.newBuilder().setType(type);
    }

    @Test
    void dhtRequestsDecodeWithTheirParametersCountDefaultAndTimeout() throws Exception {
        Cid cid = Cid.v1(0x55, Multihash.of(0x12, new byte[32]));
        var fp = (ControlRequest.FindPeer) decode(request(Request.Type.DHT).setDht(
                dht(P2pdProtos.DHTRequest.Type.FIND_PEER).setPeer(bytes(PEER.bytes())).setTimeout(7)));
        assertEquals(PEER, fp.peer());
        assertEquals(Duration.ofSeconds(7), fp.timeout());
        var prov = (ControlRequest.FindProviders) decode(request(Request.Type.DHT).setDht(
                dht(P2pdProtos.DHTRequest.Type.FIND_PROVIDERS).setCid(ByteString.copyFrom(cid.bytes()))));
        assertEquals(cid, prov.cid());
        assertEquals(ControlCodec.DEFAULT_PROVIDER_COUNT, prov.count());
        assertEquals(ControlCodec.DEFAULT_OPERATION_TIMEOUT, prov.timeout());
        var five = (ControlRequest.FindProviders) decode(request(Request.Type.DHT).setDht(
                dht(P2pdProtos.DHTRequest.Type.FIND_PROVIDERS).setCid(ByteString.copyFrom(cid.bytes())).setCount(5)));
        assertEquals(5, five.count());
        var put = (ControlRequest.PutValue) decode(request(Request.Type.DHT).setDht(
                dht(P2pdProtos.DHTRequest.Type.PUT_VALUE).setKey(ByteString.copyFromUtf8("/pk/x"))
                        .setValue(ByteString.copyFromUtf8("v"))));
        assertEquals("/pk/x", new String(put.key(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("v", new String(put.value(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void dhtRequestsRoundTripThroughTheClientEncoder() throws Exception {
        Cid cid = Cid.v1(0x55, Multihash.of(0x12, new byte[32]));
        Duration t = Duration.ofSeconds(3);
        List<ControlRequest> all = List.of(new ControlRequest.FindPeer(PEER, t),
                new ControlRequest.FindProviders(cid, 4, t), new ControlRequest.GetClosestPeers(new byte[] {1}, t),
                new ControlRequest.GetPublicKey(PEER, t), new ControlRequest.GetValue(new byte[] {2}, t),
                new ControlRequest.SearchValue(new byte[] {3}, t), new ControlRequest.PutValue(new byte[] {4},
                        new byte[] {5}, t), new ControlRequest.Provide(cid, t));
        for (ControlRequest r : all) {
            ControlRequest back = ControlCodec.decodeRequest(ControlCodec.encodeRequest(r));
            assertEquals(r, back);
            assertEquals(r.hashCode(), back.hashCode());
        }
    }

    @Test
    void dhtRequestsMissingAParameterAreFormatErrorsWithGoMessages() {
        for (var c : List.of(
                new Object[] {dht(P2pdProtos.DHTRequest.Type.FIND_PEER), "Malformed request; missing peer parameter"},
                new Object[] {dht(P2pdProtos.DHTRequest.Type.GET_PUBLIC_KEY), "Malformed request; missing peer parameter"},
                new Object[] {dht(P2pdProtos.DHTRequest.Type.FIND_PROVIDERS), "Malformed request; missing cid parameter"},
                new Object[] {dht(P2pdProtos.DHTRequest.Type.PROVIDE), "Malformed request; missing cid parameter"},
                new Object[] {dht(P2pdProtos.DHTRequest.Type.GET_VALUE), "Malformed request; missing key parameter"},
                new Object[] {dht(P2pdProtos.DHTRequest.Type.SEARCH_VALUE), "Malformed request; missing key parameter"},
                new Object[] {dht(P2pdProtos.DHTRequest.Type.GET_CLOSEST_PEERS),
                        "Malformed request; missing key parameter"},
                new Object[] {dht(P2pdProtos.DHTRequest.Type.PUT_VALUE).setKey(ByteString.copyFromUtf8("k")),
                        "Malformed request; missing value parameter"})) {
            var b = (P2pdProtos.DHTRequest.Builder) c[0];
            FormatException e = assertThrows(FormatException.class, () -> decode(request(Request.Type.DHT).setDht(b)));
            assertEquals(c[1], e.getMessage());
        }
        FormatException none = assertThrows(FormatException.class, () -> decode(request(Request.Type.DHT)));
        assertEquals("Malformed request; missing parameters", none.getMessage());
        assertThrows(FormatException.class, () -> decode(request(Request.Type.DHT).setDht(
                dht(P2pdProtos.DHTRequest.Type.FIND_PEER).setPeer(ByteString.copyFromUtf8("not a peer id")))));
        assertThrows(FormatException.class, () -> decode(request(Request.Type.DHT).setDht(
                dht(P2pdProtos.DHTRequest.Type.PROVIDE).setCid(ByteString.copyFrom(new byte[] {1, 2, 3})))));
    }

    @Test
    void dhtResponsesAreGoFramedAndDecodeBack() throws Exception {
        PeerInfo info = new PeerInfo(PEER, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")));
        Response single = Response.parseFrom(ControlCodec.encodeResponse(new ControlResponse.Dht(
                ControlResponse.DhtMessage.of(info))));
        assertEquals(Response.Type.OK, single.getType());
        assertEquals(P2pdProtos.DHTResponse.Type.VALUE, single.getDht().getType());
        assertEquals(bytes(PEER.bytes()), single.getDht().getPeer().getId());
        Response begin = Response.parseFrom(ControlCodec.encodeResponse(new ControlResponse.Dht(
                ControlResponse.DhtMessage.begin())));
        assertEquals(P2pdProtos.DHTResponse.Type.BEGIN, begin.getDht().getType());
        assertTrue(!begin.getDht().hasPeer() && !begin.getDht().hasValue());
        byte[] bare = ControlCodec.encodeDhtMessage(ControlResponse.DhtMessage.of(new byte[] {9, 8}));
        P2pdProtos.DHTResponse v = P2pdProtos.DHTResponse.parseFrom(bare);
        assertEquals(P2pdProtos.DHTResponse.Type.VALUE, v.getType());
        assertEquals(ByteString.copyFrom(new byte[] {9, 8}), v.getValue());
        assertEquals(ControlResponse.DhtMessage.Kind.END,
                ControlCodec.decodeDhtMessage(ControlCodec.encodeDhtMessage(ControlResponse.DhtMessage.end())).kind());
        var back = (ControlResponse.Dht) ControlCodec.decodeResponse(new ControlRequest.FindPeer(PEER,
                Duration.ofSeconds(1)), single.toByteArray());
        assertEquals(info, back.message().peer().orElseThrow());
    }

    /** A request that is not one, or lacks its parameters: the typed error, with the message the daemon sends. */
    private static void assertBad(byte[] wire, String message) {
        BadRequestException e = assertThrows(BadRequestException.class, () -> ControlCodec.decodeRequest(wire));
        assertEquals(message, e.getMessage());
    }

    @Test
    void requestsMissingTheirParametersAreBadRequests() {
        for (var type : List.of(Request.Type.CONNECT, Request.Type.DISCONNECT, Request.Type.STREAM_OPEN,
                Request.Type.STREAM_HANDLER, Request.Type.PEERSTORE, Request.Type.CONNMANAGER)) {
            String field = switch (type) {
                case CONNMANAGER -> "connManager";
                case CONNECT -> "connect";
                case DISCONNECT -> "disconnect";
                case STREAM_OPEN -> "streamOpen";
                case STREAM_HANDLER -> "streamHandler";
                default -> "peerStore";
            };
            assertBad(request(type).build().toByteArray(), "malformed " + type + " request: missing " + field);
        }
        assertBad(request(Request.Type.CONNECT).setConnect(P2pdProtos.ConnectRequest.newBuilder().buildPartial())
                .buildPartial().toByteArray(), "malformed CONNECT request: missing connect.peer");
        assertBad(request(Request.Type.CONNMANAGER).setConnManager(P2pdProtos.ConnManagerRequest.newBuilder()
                .setTag("t").buildPartial()).buildPartial().toByteArray(),
                "malformed CONNMANAGER request: missing connManager.type");
        assertBad(request(Request.Type.DHT).setDht(P2pdProtos.DHTRequest.newBuilder().buildPartial())
                .buildPartial().toByteArray(), "malformed DHT request: missing dht.type");
        assertBad(request(Request.Type.PEERSTORE).setPeerStore(P2pdProtos.PeerstoreRequest.newBuilder()
                .setType(P2pdProtos.PeerstoreRequest.Type.GET_PROTOCOLS)).build().toByteArray(),
                "malformed PEERSTORE request: missing peerStore.id");
    }

    @Test
    void bytesThatAreNotARequestOfAKnownTypeAreBadRequests() {
        assertBad(new byte[0], "malformed request: no request type");
        assertBad(new byte[] {0x12, 0x00}, "malformed request: no request type");
        assertBad(new byte[] {0x08, 0x2A}, "unknown request type 42");
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> ControlCodec.decodeRequest(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
        assertTrue(e.getMessage().startsWith("malformed request: not a Request message"), e.getMessage());
    }

    /** Well-formed requests whose values do not parse: not a bad request (the connection may carry on). */
    @Test
    void unusableValuesAreFormatErrorsNotBadRequests() {
        ByteString notAPeer = bytes(new byte[] {1, 2, 3});
        for (Request.Builder r : List.of(
                request(Request.Type.DISCONNECT).setDisconnect(P2pdProtos.DisconnectRequest.newBuilder()
                        .setPeer(notAPeer)),
                request(Request.Type.CONNECT).setConnect(P2pdProtos.ConnectRequest.newBuilder()
                        .setPeer(bytes(PEER.bytes())).addAddrs(notAPeer)),
                request(Request.Type.STREAM_HANDLER).setStreamHandler(P2pdProtos.StreamHandlerRequest.newBuilder()
                        .setAddr(notAPeer)),
                request(Request.Type.PEERSTORE).setPeerStore(P2pdProtos.PeerstoreRequest.newBuilder()
                        .setId(notAPeer)))) {
            assertThrows(FormatException.class, () -> decode(r), r.toString());   // never a BadRequestException
        }
        for (String id : List.of("", "/two\nlines/1.0.0", "na", "ls", "/" + "x".repeat(1023))) {
            FormatException e = assertThrows(FormatException.class, () -> decode(request(Request.Type.STREAM_HANDLER)
                    .setStreamHandler(P2pdProtos.StreamHandlerRequest.newBuilder().setAddr(bytes(UNIX.bytes()))
                            .addProto("/fine/1.0.0").addProto(id))));
            assertTrue(e.getMessage().startsWith("not a protocol id"), e.getMessage());
        }
        FormatException none = assertThrows(FormatException.class, () -> decode(request(Request.Type.STREAM_OPEN)
                .setStreamOpen(P2pdProtos.StreamOpenRequest.newBuilder().setPeer(bytes(PEER.bytes())))));
        assertEquals("STREAM_OPEN names no protocol", none.getMessage());
    }

    @Test
    void responsesEncodeAsTheProtocolSaysAndDecodeForTheRequestTheyAnswer() throws Exception {
        PeerInfo info = new PeerInfo(PEER, List.of(TCP));
        StreamInfo stream = new StreamInfo(PEER, TCP, "/echo/1.0.0");
        List<ControlRequest> asked = List.of(new ControlRequest.Connect(PEER, List.of(), DEFAULT),
                new ControlRequest.Identify(), new ControlRequest.ListPeers(),
                new ControlRequest.StreamOpen(PEER, List.of("/echo/1.0.0"), DEFAULT),
                new ControlRequest.GetProtocols(PEER), new ControlRequest.GetPeerInfo(PEER),
                new ControlRequest.ListPeers());
        List<ControlResponse> answers = List.of(new ControlResponse.Ok(),
                new ControlResponse.Identity(PEER, List.of(TCP, UNIX)), new ControlResponse.Peers(List.of(info, info)),
                new ControlResponse.StreamOpened(stream), new ControlResponse.Protocols(List.of("/a/1", "/b/1")),
                new ControlResponse.Peer(info), new ControlResponse.Error("no such peer"));
        for (int i = 0; i < asked.size(); i++) {
            byte[] wire = ControlCodec.encodeResponse(answers.get(i));
            assertEquals(answers.get(i), ControlCodec.decodeResponse(asked.get(i), wire));
        }

        // what other clients read
        Response identity = Response.parseFrom(ControlCodec.encodeResponse(answers.get(1)));
        assertEquals(Response.Type.OK, identity.getType());
        assertEquals(bytes(PEER.bytes()), identity.getIdentify().getId());
        assertEquals(List.of(bytes(TCP.bytes()), bytes(UNIX.bytes())), identity.getIdentify().getAddrsList());
        Response peer = Response.parseFrom(ControlCodec.encodeResponse(answers.get(5)));
        assertEquals(bytes(PEER.bytes()), peer.getPeerStore().getPeer().getId());
        Response error = Response.parseFrom(ControlCodec.encodeResponse(answers.get(6)));
        assertEquals(Response.Type.ERROR, error.getType());
        assertEquals("no such peer", error.getError().getMsg());
        Response opened = Response.parseFrom(ControlCodec.encodeResponse(answers.get(3)));
        assertEquals("/echo/1.0.0", opened.getStreamInfo().getProto());

        assertEquals(stream, ControlCodec.decodeStreamInfo(ControlCodec.encodeStreamInfo(stream)));
    }

    @Test
    void aResponseThatIsNotTheOneExpectedIsAFormatError() {
        byte[] bareOk = Response.newBuilder().setType(Response.Type.OK).build().toByteArray();
        FormatException e = assertThrows(FormatException.class,
                () -> ControlCodec.decodeResponse(new ControlRequest.Identify(), bareOk));
        assertTrue(e.getMessage().contains("identify"), e.getMessage());
        assertThrows(FormatException.class,
                () -> ControlCodec.decodeResponse(new ControlRequest.ListPeers(), new byte[] {(byte) 0xFF}));
        assertThrows(FormatException.class, () -> ControlCodec.decodeStreamInfo(new byte[] {0x0A, 0x01, 0x00}));
    }
}
