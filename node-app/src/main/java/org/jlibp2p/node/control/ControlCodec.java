package org.jlibp2p.node.control;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.node.control.ControlRequest.Area;
import org.jlibp2p.node.control.ControlRequest.Connect;
import org.jlibp2p.node.control.ControlRequest.Disconnect;
import org.jlibp2p.node.control.ControlRequest.FindPeer;
import org.jlibp2p.node.control.ControlRequest.FindProviders;
import org.jlibp2p.node.control.ControlRequest.GetClosestPeers;
import org.jlibp2p.node.control.ControlRequest.GetPublicKey;
import org.jlibp2p.node.control.ControlRequest.GetValue;
import org.jlibp2p.node.control.ControlRequest.Provide;
import org.jlibp2p.node.control.ControlRequest.PutValue;
import org.jlibp2p.node.control.ControlRequest.SearchValue;
import org.jlibp2p.node.control.ControlRequest.GetPeerInfo;
import org.jlibp2p.node.control.ControlRequest.GetProtocols;
import org.jlibp2p.node.control.ControlRequest.Identify;
import org.jlibp2p.node.control.ControlRequest.ListPeers;
import org.jlibp2p.node.control.ControlRequest.Resources;
import org.jlibp2p.node.control.ControlRequest.StreamHandler;
import org.jlibp2p.node.control.ControlRequest.StreamOpen;
import org.jlibp2p.node.control.ControlRequest.TagPeer;
import org.jlibp2p.node.control.ControlRequest.Trim;
import org.jlibp2p.node.control.ControlRequest.Unsupported;
import org.jlibp2p.node.control.ControlRequest.UntagPeer;
import org.jlibp2p.node.control.ControlResponse.Identity;
import org.jlibp2p.node.control.ControlResponse.Ok;
import org.jlibp2p.node.control.ControlResponse.Peer;
import org.jlibp2p.node.control.ControlResponse.Peers;
import org.jlibp2p.node.control.ControlResponse.Protocols;
import org.jlibp2p.node.control.ControlResponse.StreamOpened;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;

/**
 * The one place where the control protocol's protobuf messages ({@code p2pd.proto}) meet the records the daemon
 * and its clients work with. Framing (the varint length prefix) is not done here: each method takes or returns
 * the body of one message.
 *
 * <p>The daemon decodes requests and encodes responses; a client does the reverse, and decodes a response knowing
 * the request it answers (the wire does not say which kind of OK it is).
 */
public final class ControlCodec {
    /** How long CONNECT and STREAM_OPEN may take when the request sets no timeout (go-libp2p-daemon's default). */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(60);
    /** The longest timeout a request can set; a larger one is cut to it. */
    public static final Duration MAX_OPERATION_TIMEOUT = Duration.ofHours(24);

    private ControlCodec() {}

    // ---------------------------------------------------------------- requests

    /**
     * Reads one request.
     *
     * @throws BadRequestException when the bytes are not a request of a known type with its parameters: the daemon
     *     answers with an error and closes the connection
     * @throws FormatException when a well-formed request carries a value that does not parse (a peer id, a
     *     multiaddr, a protocol id to handle) or asks for nothing (STREAM_OPEN without a protocol): the daemon
     *     answers with an error and reads the next request
     */
    public static ControlRequest decodeRequest(byte[] frame) throws BadRequestException, FormatException {
        Request req = parse(frame);
        return switch (req.getType()) {
            case IDENTIFY -> new Identify();
            case CONNECT -> {
                require(req.hasConnect(), "malformed CONNECT request: missing connect");
                P2pdProtos.ConnectRequest c = req.getConnect();
                yield new Connect(peer(c.getPeer()), multiaddrs(c.getAddrsList()), timeout(c.getTimeout()));
            }
            case DISCONNECT -> {
                require(req.hasDisconnect(), "malformed DISCONNECT request: missing disconnect");
                yield new Disconnect(peer(req.getDisconnect().getPeer()));
            }
            case LIST_PEERS -> new ListPeers();
            case RESOURCES -> new Resources();
            case REACHABILITY -> new ControlRequest.Reachability();
            case STREAM_OPEN -> {
                require(req.hasStreamOpen(), "malformed STREAM_OPEN request: missing streamOpen");
                P2pdProtos.StreamOpenRequest so = req.getStreamOpen();
                PeerId peer = peer(so.getPeer());
                if (so.getProtoCount() == 0) {
                    throw new FormatException("STREAM_OPEN names no protocol");
                }
                yield new StreamOpen(peer, so.getProtoList(), timeout(so.getTimeout()));
            }
            case STREAM_HANDLER -> {
                require(req.hasStreamHandler(), "malformed STREAM_HANDLER request: missing streamHandler");
                P2pdProtos.StreamHandlerRequest sh = req.getStreamHandler();
                Multiaddr addr = Multiaddr.fromBytes(sh.getAddr().toByteArray());
                for (String protocol : sh.getProtoList()) {
                    checkProtocolId(protocol);
                }
                yield new StreamHandler(addr, sh.getProtoList());
            }
            case PEERSTORE -> peerstore(req);
            case DHT -> dht(req);
            case PUBSUB -> pubsub(req);
            case CONNMANAGER -> connManager(req);
            case FILES -> FilesCodec.decodeRequest(req);
            case FORWARD -> forward(req);
        };
    }

    /**
     * A FORWARD request: LISTEN needs a protocol and a target address, FORWARD a protocol, a listen address and a
     * peer, CLOSE a filter or {@code all}. Protocol ids are checked by the daemon (they must start with /x/).
     */
    private static ControlRequest forward(Request req) throws BadRequestException, FormatException {
        require(req.hasForward(), "malformed FORWARD request: missing forward");
        P2pdProtos.ForwardRequest f = req.getForward();
        return switch (f.getType()) {
            case LISTEN -> {
                checkForwardProtocol(f);
                if (!f.hasAddr()) {
                    throw new FormatException("FORWARD LISTEN names no target address");
                }
                yield new ControlRequest.ForwardListen(f.getProto(), Multiaddr.fromBytes(f.getAddr().toByteArray()));
            }
            case FORWARD -> {
                checkForwardProtocol(f);
                if (!f.hasAddr() || !f.hasPeer()) {
                    throw new FormatException("FORWARD FORWARD needs a listen address and a peer");
                }
                yield new ControlRequest.ForwardDial(f.getProto(), Multiaddr.fromBytes(f.getAddr().toByteArray()),
                        peer(f.getPeer()), multiaddrs(f.getPeerAddrsList()));
            }
            case LIST -> new ControlRequest.ForwardList();
            case CLOSE -> {
                java.util.Optional<String> proto = f.hasProto() ? java.util.Optional.of(f.getProto())
                        : java.util.Optional.empty();
                java.util.Optional<Multiaddr> listen = f.hasListenAddr()
                        ? java.util.Optional.of(Multiaddr.fromBytes(f.getListenAddr().toByteArray()))
                        : java.util.Optional.empty();
                java.util.Optional<Multiaddr> target = f.hasTargetAddr()
                        ? java.util.Optional.of(Multiaddr.fromBytes(f.getTargetAddr().toByteArray()))
                        : java.util.Optional.empty();
                if (!f.getAll() && proto.isEmpty() && listen.isEmpty() && target.isEmpty()) {
                    throw new FormatException("FORWARD CLOSE needs a protocol, an address or all");
                }
                yield new ControlRequest.ForwardClose(proto, listen, target, f.getAll());
            }
        };
    }

    private static void checkForwardProtocol(P2pdProtos.ForwardRequest f) throws FormatException {
        if (!f.hasProto()) {
            throw new FormatException("FORWARD " + f.getType() + " names no protocol");
        }
        checkProtocolId(f.getProto());
    }

    /** Parses the message, naming what is wrong with one that is not a complete request of a known type. */
    private static Request parse(byte[] frame) throws BadRequestException {
        Request req;
        try {
            req = Request.parser().parsePartialFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new BadRequestException("malformed request: not a Request message (" + e.getMessage() + ")");
        }
        if (!req.hasType()) {
            // proto2 keeps an enum number it does not know among the unknown fields
            UnknownFieldSet.Field t = req.getUnknownFields().getField(Request.TYPE_FIELD_NUMBER);
            if (t != null && !t.getVarintList().isEmpty()) {
                throw new BadRequestException("unknown request type " + t.getVarintList().getLast());
            }
            throw new BadRequestException("malformed request: no request type");
        }
        if (!req.isInitialized()) {
            throw new BadRequestException("malformed " + req.getType() + " request: missing "
                    + String.join(", ", req.findInitializationErrors()));
        }
        return req;
    }

    private static ControlRequest pubsub(Request req) throws BadRequestException, FormatException {
        require(req.hasPubsub(), "malformed PUBSUB request: missing pubsub");
        P2pdProtos.PSRequest ps = req.getPubsub();
        return switch (ps.getType()) {
            case GET_TOPICS -> new ControlRequest.PubsubGetTopics();
            case LIST_PEERS -> new ControlRequest.PubsubListPeers(ps.getTopic());
            case PUBLISH -> {
                if (!ps.hasTopic() || ps.getTopic().isEmpty()) {
                    throw new FormatException("PUBSUB PUBLISH names no topic");
                }
                yield new ControlRequest.PubsubPublish(ps.getTopic(), ps.getData().toByteArray());
            }
            case SUBSCRIBE -> {
                if (!ps.hasTopic() || ps.getTopic().isEmpty()) {
                    throw new FormatException("PUBSUB SUBSCRIBE names no topic");
                }
                yield new ControlRequest.PubsubSubscribe(ps.getTopic());
            }
        };
    }

    private static ControlRequest peerstore(Request req) throws BadRequestException, FormatException {
        require(req.hasPeerStore(), "malformed PEERSTORE request: missing peerStore");
        P2pdProtos.PeerstoreRequest ps = req.getPeerStore();
        require(ps.hasId(), "malformed PEERSTORE request: missing peerStore.id");
        PeerId peer = peer(ps.getId());
        return switch (ps.getType()) {
            case GET_PROTOCOLS -> new GetProtocols(peer);
            case GET_PEER_INFO -> new GetPeerInfo(peer);
            case UNSPECIFIED -> new Unsupported(Area.PEERSTORE, ps.getType().name());
        };
    }

    // ---------------------------------------------------------------- DHT requests

    /** How many providers FIND_PROVIDERS asks for when the request sets no count (go-libp2p-daemon's default). */
    public static final int DEFAULT_PROVIDER_COUNT = 20;

    /**
     * A DHT request, checked as go-libp2p-daemon checks it, with its messages: a missing parameter or one that does
     * not parse is answered with an error and the connection carries on.
     */
    private static ControlRequest dht(Request req) throws FormatException {
        if (!req.hasDht()) {
            throw new FormatException("Malformed request; missing parameters");
        }
        P2pdProtos.DHTRequest d = req.getDht();
        Duration timeout = timeout(d.getTimeout());
        return switch (d.getType()) {
            case FIND_PEER -> new FindPeer(dhtPeer(d), timeout);
            case FIND_PEERS_CONNECTED_TO_PEER -> new Unsupported(Area.DHT, d.getType().name());
            case FIND_PROVIDERS -> new FindProviders(dhtCid(d),
                    d.getCount() > 0 ? d.getCount() : DEFAULT_PROVIDER_COUNT, timeout);
            case GET_CLOSEST_PEERS -> new GetClosestPeers(dhtKey(d), timeout);
            case GET_PUBLIC_KEY -> new GetPublicKey(dhtPeer(d), timeout);
            case GET_VALUE -> new GetValue(dhtKey(d), timeout);
            case SEARCH_VALUE -> new SearchValue(dhtKey(d), timeout);
            case PUT_VALUE -> {
                byte[] key = dhtKey(d);
                if (!d.hasValue()) {
                    throw new FormatException("Malformed request; missing value parameter");
                }
                yield new PutValue(key, d.getValue().toByteArray(), timeout);
            }
            case PROVIDE -> new Provide(dhtCid(d), timeout);
        };
    }

    private static PeerId dhtPeer(P2pdProtos.DHTRequest d) throws FormatException {
        if (!d.hasPeer()) {
            throw new FormatException("Malformed request; missing peer parameter");
        }
        return peer(d.getPeer());
    }

    private static Cid dhtCid(P2pdProtos.DHTRequest d) throws FormatException {
        if (!d.hasCid()) {
            throw new FormatException("Malformed request; missing cid parameter");
        }
        return Cid.fromBytes(d.getCid().toByteArray());
    }

    private static byte[] dhtKey(P2pdProtos.DHTRequest d) throws FormatException {
        if (!d.hasKey()) {
            throw new FormatException("Malformed request; missing key parameter");
        }
        return d.getKey().toByteArray();
    }

    private static P2pdProtos.DHTRequest.Builder dhtRequest(P2pdProtos.DHTRequest.Type type, Duration timeout) {
        return P2pdProtos.DHTRequest.newBuilder().setType(type).setTimeout(seconds(timeout));
    }

    /** Writes one bare {@code DHTResponse}, as the daemon streams them after BEGIN. */
    public static byte[] encodeDhtMessage(ControlResponse.DhtMessage m) {
        return dhtMessage(m).toByteArray();
    }

    /** Reads one bare {@code DHTResponse} of a stream, for a client. */
    public static ControlResponse.DhtMessage decodeDhtMessage(byte[] frame) throws FormatException {
        try {
            return dhtMessage(P2pdProtos.DHTResponse.parseFrom(frame));
        } catch (InvalidProtocolBufferException e) {
            throw new FormatException("malformed DHT response from the daemon: " + e.getMessage());
        }
    }

    private static P2pdProtos.DHTResponse dhtMessage(ControlResponse.DhtMessage m) {
        P2pdProtos.DHTResponse.Builder b = P2pdProtos.DHTResponse.newBuilder()
                .setType(P2pdProtos.DHTResponse.Type.valueOf(m.kind().name()));
        m.peer().ifPresent(p -> b.setPeer(peerInfo(p)));
        m.value().ifPresent(v -> b.setValue(ByteString.copyFrom(v)));
        return b.build();
    }

    private static ControlResponse.DhtMessage dhtMessage(P2pdProtos.DHTResponse r) throws FormatException {
        ControlResponse.DhtMessage.Kind kind = ControlResponse.DhtMessage.Kind.valueOf(r.getType().name());
        return new ControlResponse.DhtMessage(kind,
                r.hasPeer() ? java.util.Optional.of(peerInfo(r.getPeer())) : java.util.Optional.empty(),
                r.hasValue() ? java.util.Optional.of(r.getValue().toByteArray()) : java.util.Optional.empty());
    }

    // ---------------------------------------------------------------- end of DHT requests

    /**
     * A CONNMANAGER request, checked as go-libp2p-daemon checks it: TAG_PEER and UNTAG_PEER need a peer id that
     * parses and a tag that is not empty; TAG_PEER's weight defaults to 0. A weight beyond the range of a Java
     * {@code int} (go's {@code int} is 64 bits wide) is refused.
     */
    private static ControlRequest connManager(Request req) throws BadRequestException, FormatException {
        require(req.hasConnManager(), "malformed CONNMANAGER request: missing connManager");
        P2pdProtos.ConnManagerRequest cm = req.getConnManager();
        return switch (cm.getType()) {
            case TAG_PEER -> {
                PeerId peer = connManagerPeer(cm);
                String tag = connManagerTag(cm);
                long weight = cm.getWeight();
                if (weight < Integer.MIN_VALUE || weight > Integer.MAX_VALUE) {
                    throw new FormatException("TAG_PEER weight " + weight + " out of range ["
                            + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]");
                }
                yield new TagPeer(peer, tag, (int) weight);
            }
            case UNTAG_PEER -> new UntagPeer(connManagerPeer(cm), connManagerTag(cm));
            case TRIM -> new Trim();
        };
    }

    private static PeerId connManagerPeer(P2pdProtos.ConnManagerRequest cm) throws FormatException {
        if (!cm.hasPeer()) {
            throw new FormatException(cm.getType() + " names no peer");
        }
        return peer(cm.getPeer());
    }

    private static String connManagerTag(P2pdProtos.ConnManagerRequest cm) throws FormatException {
        if (cm.getTag().isEmpty()) {
            throw new FormatException("malformed " + cm.getType() + " request: missing tag parameter");
        }
        return cm.getTag();
    }

    /**
     * Refuses a protocol id that multistream-select cannot carry (empty, holding a newline, one of its own words
     * {@code na} and {@code ls}, or longer than a message): a node lists every protocol it serves in each
     * negotiation, so serving such an id would fail every inbound stream, not only its own.
     */
    private static void checkProtocolId(String id) throws FormatException {
        if (!Multistream.isProtocolId(id)) {
            String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
            throw new FormatException("not a protocol id: '" + shown.replace("\n", "\\n") + "'");
        }
    }

    private static void require(boolean present, String message) throws BadRequestException {
        if (!present) {
            throw new BadRequestException(message);
        }
    }

    /** The request's timeout field, in seconds: zero or less (or none) means the default. */
    private static Duration timeout(long seconds) {
        return seconds > 0 ? Duration.ofSeconds(Math.min(seconds, MAX_OPERATION_TIMEOUT.toSeconds()))
                : DEFAULT_OPERATION_TIMEOUT;
    }

    /**
     * Writes a request, for a client. {@link Unsupported} cannot be written: it stands for requests the daemon
     * received and does not serve.
     *
     * @throws IllegalArgumentException for {@link Unsupported}
     */
    public static byte[] encodeRequest(ControlRequest request) {
        Request.Builder b = Request.newBuilder();
        switch (request) {
            case ControlRequest.FilesRequest fr -> b.setType(Request.Type.FILES).setFiles(FilesCodec.encodeRequest(fr));
            case Identify _ -> b.setType(Request.Type.IDENTIFY);
            case Connect c -> b.setType(Request.Type.CONNECT).setConnect(P2pdProtos.ConnectRequest.newBuilder()
                    .setPeer(bytes(c.peer())).addAllAddrs(bytes(c.addrs())).setTimeout(seconds(c.timeout())));
            case Disconnect d -> b.setType(Request.Type.DISCONNECT)
                    .setDisconnect(P2pdProtos.DisconnectRequest.newBuilder().setPeer(bytes(d.peer())));
            case ListPeers _ -> b.setType(Request.Type.LIST_PEERS);
            case Resources _ -> b.setType(Request.Type.RESOURCES);
            case ControlRequest.Reachability _ -> b.setType(Request.Type.REACHABILITY);
            case StreamOpen so -> b.setType(Request.Type.STREAM_OPEN).setStreamOpen(
                    P2pdProtos.StreamOpenRequest.newBuilder().setPeer(bytes(so.peer())).addAllProto(so.protocols())
                            .setTimeout(seconds(so.timeout())));
            case StreamHandler sh -> b.setType(Request.Type.STREAM_HANDLER).setStreamHandler(
                    P2pdProtos.StreamHandlerRequest.newBuilder().setAddr(ByteString.copyFrom(sh.addr().bytes()))
                            .addAllProto(sh.protocols()));
            case GetProtocols g -> b.setType(Request.Type.PEERSTORE).setPeerStore(P2pdProtos.PeerstoreRequest
                    .newBuilder().setType(P2pdProtos.PeerstoreRequest.Type.GET_PROTOCOLS).setId(bytes(g.peer())));
            case GetPeerInfo g -> b.setType(Request.Type.PEERSTORE).setPeerStore(P2pdProtos.PeerstoreRequest
                    .newBuilder().setType(P2pdProtos.PeerstoreRequest.Type.GET_PEER_INFO).setId(bytes(g.peer())));
            case TagPeer t -> b.setType(Request.Type.CONNMANAGER).setConnManager(connManager(
                    P2pdProtos.ConnManagerRequest.Type.TAG_PEER).setPeer(bytes(t.peer())).setTag(t.tag())
                    .setWeight(t.weight()));
            case UntagPeer u -> b.setType(Request.Type.CONNMANAGER).setConnManager(connManager(
                    P2pdProtos.ConnManagerRequest.Type.UNTAG_PEER).setPeer(bytes(u.peer())).setTag(u.tag()));
            case Trim _ -> b.setType(Request.Type.CONNMANAGER).setConnManager(connManager(
                    P2pdProtos.ConnManagerRequest.Type.TRIM));
            case ControlRequest.PubsubGetTopics _ -> b.setType(Request.Type.PUBSUB).setPubsub(
                    P2pdProtos.PSRequest.newBuilder().setType(P2pdProtos.PSRequest.Type.GET_TOPICS));
            case ControlRequest.PubsubListPeers lp -> b.setType(Request.Type.PUBSUB).setPubsub(
                    P2pdProtos.PSRequest.newBuilder().setType(P2pdProtos.PSRequest.Type.LIST_PEERS)
                            .setTopic(lp.topic()));
            case ControlRequest.PubsubPublish p -> b.setType(Request.Type.PUBSUB).setPubsub(
                    P2pdProtos.PSRequest.newBuilder().setType(P2pdProtos.PSRequest.Type.PUBLISH)
                            .setTopic(p.topic()).setData(ByteString.copyFrom(p.data())));
            case ControlRequest.PubsubSubscribe sub -> b.setType(Request.Type.PUBSUB).setPubsub(
                    P2pdProtos.PSRequest.newBuilder().setType(P2pdProtos.PSRequest.Type.SUBSCRIBE)
                            .setTopic(sub.topic()));
            case Unsupported u -> throw new IllegalArgumentException("not a request a client can send: " + u);
            case ControlRequest.ForwardListen l -> b.setType(Request.Type.FORWARD).setForward(
                    P2pdProtos.ForwardRequest.newBuilder().setType(P2pdProtos.ForwardRequest.Type.LISTEN)
                            .setProto(l.protocol()).setAddr(ByteString.copyFrom(l.target().bytes())));
            case ControlRequest.ForwardDial d -> b.setType(Request.Type.FORWARD).setForward(
                    P2pdProtos.ForwardRequest.newBuilder().setType(P2pdProtos.ForwardRequest.Type.FORWARD)
                            .setProto(d.protocol()).setAddr(ByteString.copyFrom(d.listen().bytes()))
                            .setPeer(bytes(d.peer())).addAllPeerAddrs(bytes(d.peerAddrs())));
            case ControlRequest.ForwardList _ -> b.setType(Request.Type.FORWARD).setForward(
                    P2pdProtos.ForwardRequest.newBuilder().setType(P2pdProtos.ForwardRequest.Type.LIST));
            case ControlRequest.ForwardClose c -> {
                P2pdProtos.ForwardRequest.Builder fb = P2pdProtos.ForwardRequest.newBuilder()
                        .setType(P2pdProtos.ForwardRequest.Type.CLOSE).setAll(c.all());
                c.protocol().ifPresent(fb::setProto);
                c.listen().ifPresent(a -> fb.setListenAddr(ByteString.copyFrom(a.bytes())));
                c.target().ifPresent(a -> fb.setTargetAddr(ByteString.copyFrom(a.bytes())));
                b.setType(Request.Type.FORWARD).setForward(fb);
            }
            // DHT
            case FindPeer r -> b.setType(Request.Type.DHT).setDht(dhtRequest(P2pdProtos.DHTRequest.Type.FIND_PEER,
                    r.timeout()).setPeer(bytes(r.peer())));
            case FindProviders r -> b.setType(Request.Type.DHT).setDht(dhtRequest(
                    P2pdProtos.DHTRequest.Type.FIND_PROVIDERS, r.timeout()).setCid(ByteString.copyFrom(r.cid().bytes()))
                    .setCount(r.count()));
            case GetClosestPeers r -> b.setType(Request.Type.DHT).setDht(dhtRequest(
                    P2pdProtos.DHTRequest.Type.GET_CLOSEST_PEERS, r.timeout()).setKey(ByteString.copyFrom(r.key())));
            case GetPublicKey r -> b.setType(Request.Type.DHT).setDht(dhtRequest(
                    P2pdProtos.DHTRequest.Type.GET_PUBLIC_KEY, r.timeout()).setPeer(bytes(r.peer())));
            case GetValue r -> b.setType(Request.Type.DHT).setDht(dhtRequest(P2pdProtos.DHTRequest.Type.GET_VALUE,
                    r.timeout()).setKey(ByteString.copyFrom(r.key())));
            case SearchValue r -> b.setType(Request.Type.DHT).setDht(dhtRequest(
                    P2pdProtos.DHTRequest.Type.SEARCH_VALUE, r.timeout()).setKey(ByteString.copyFrom(r.key())));
            case PutValue r -> b.setType(Request.Type.DHT).setDht(dhtRequest(P2pdProtos.DHTRequest.Type.PUT_VALUE,
                    r.timeout()).setKey(ByteString.copyFrom(r.key())).setValue(ByteString.copyFrom(r.value())));
            case Provide r -> b.setType(Request.Type.DHT).setDht(dhtRequest(P2pdProtos.DHTRequest.Type.PROVIDE,
                    r.timeout()).setCid(ByteString.copyFrom(r.cid().bytes())));
        }
        return b.build().toByteArray();
    }

    private static P2pdProtos.ConnManagerRequest.Builder connManager(P2pdProtos.ConnManagerRequest.Type type) {
        return P2pdProtos.ConnManagerRequest.newBuilder().setType(type);
    }

    /** Whole seconds, rounded up so that a timeout under a second does not become "none" (zero) on the wire. */
    private static long seconds(Duration timeout) {
        return timeout.toSeconds() + (timeout.toNanosPart() > 0 ? 1 : 0);
    }

    // ---------------------------------------------------------------- responses

    /** Writes the daemon's response. */
    public static byte[] encodeResponse(ControlResponse response) {
        Response.Builder b = Response.newBuilder().setType(Response.Type.OK);
        switch (response) {
            case Ok _ -> { }
            case Identity id -> b.setIdentify(P2pdProtos.IdentifyResponse.newBuilder().setId(bytes(id.peer()))
                    .addAllAddrs(bytes(id.addrs())));
            case Peers p -> p.peers().forEach(info -> b.addPeers(peerInfo(info)));
            case ControlResponse.Resources r -> {
                P2pdProtos.ResourcesResponse.Builder rb = P2pdProtos.ResourcesResponse.newBuilder();
                r.scopes().forEach(u -> rb.addScopes(scopeUsage(u)));
                r.refusals().forEach((reason, n) -> rb.addRefusals(P2pdProtos.RefusalCount.newBuilder()
                        .setReason(reason).setCount(n)));
                b.setResources(rb);
            }
            case ControlResponse.Reachability r -> {
                P2pdProtos.ReachabilityResponse.Builder rb = P2pdProtos.ReachabilityResponse.newBuilder()
                        .setReachability(r.reachability()).addAllListenAddrs(bytes(r.listenAddrs()))
                        .addAllExternalAddrs(bytes(r.externalAddrs())).setAutonatServer(r.autonatServer());
                r.reachableAddr().ifPresent(a -> rb.setReachableAddr(ByteString.copyFrom(a.bytes())));
                b.setReachability(rb);
            }
            case StreamOpened so -> b.setStreamInfo(streamInfo(so.stream()));
            case Protocols p -> b.setPeerStore(P2pdProtos.PeerstoreResponse.newBuilder().addAllProtos(p.protocols()));
            case Peer p -> b.setPeerStore(P2pdProtos.PeerstoreResponse.newBuilder().setPeer(peerInfo(p.peer())));
            case ControlResponse.Dht d -> b.setDht(dhtMessage(d.message()));
            case ControlResponse.PubsubTopics t -> b.setPubsub(P2pdProtos.PSResponse.newBuilder()
                    .addAllTopics(t.topics()));
            case ControlResponse.PubsubPeers p -> b.setPubsub(P2pdProtos.PSResponse.newBuilder()
                    .addAllPeerIDs(p.peers().stream().map(ControlCodec::bytes).toList()));
            case ControlResponse.Forwardings fw -> {
                P2pdProtos.ForwardResponse.Builder fb = P2pdProtos.ForwardResponse.newBuilder();
                for (Forwarding x : fw.forwardings()) {
                    fb.addForwardings(P2pdProtos.Forwarding.newBuilder().setProto(x.protocol())
                            .setListenAddr(ByteString.copyFrom(x.listen().bytes()))
                            .setTargetAddr(ByteString.copyFrom(x.target().bytes()))
                            .setConnections(x.connections()));
                }
                b.setForward(fb);
            }
            case ControlResponse.ForwardsClosed c -> b.setForward(P2pdProtos.ForwardResponse.newBuilder()
                    .setClosed(c.count()));
            case ControlResponse.Error e -> b.setType(Response.Type.ERROR)
                    .setError(P2pdProtos.ErrorResponse.newBuilder().setMsg(e.message()));
        }
        return b.build().toByteArray();
    }

    /**
     * Reads the daemon's response to {@code answered}, for a client.
     *
     * @throws FormatException when the bytes are not a response, or not the OK response {@code answered} expects
     */
    public static ControlResponse decodeResponse(ControlRequest answered, byte[] frame) throws FormatException {
        Response r;
        try {
            r = Response.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new FormatException("malformed response from the daemon: " + e.getMessage());
        }
        if (r.getType() == Response.Type.ERROR) {
            return new ControlResponse.Error(r.getError().getMsg());
        }
        return switch (answered) {
            case ControlRequest.FilesRequest _ -> throw new IllegalArgumentException(
                    "FILES answers are read with FilesCodec.decodeProgress");
            case Identify _ -> {
                expect(r.hasIdentify(), "identify");
                yield new Identity(peer(r.getIdentify().getId()), multiaddrs(r.getIdentify().getAddrsList()));
            }
            case Resources _ -> {
                expect(r.hasResources(), "resources");
                List<ControlResponse.ScopeUsage> scopes = new ArrayList<>();
                r.getResources().getScopesList().forEach(u -> scopes.add(scopeUsage(u)));
                java.util.Map<String, Long> refusals = new java.util.TreeMap<>();
                r.getResources().getRefusalsList().forEach(c -> refusals.put(c.getReason(), c.getCount()));
                yield new ControlResponse.Resources(scopes, refusals);
            }
            case ControlRequest.Reachability _ -> {
                expect(r.hasReachability(), "reachability");
                P2pdProtos.ReachabilityResponse rr = r.getReachability();
                Optional<Multiaddr> reached = Optional.empty();
                if (rr.hasReachableAddr()) {
                    reached = Optional.of(multiaddrs(List.of(rr.getReachableAddr())).get(0));
                }
                yield new ControlResponse.Reachability(rr.getReachability(), reached,
                        multiaddrs(rr.getListenAddrsList()), multiaddrs(rr.getExternalAddrsList()),
                        rr.getAutonatServer());
            }
            case ListPeers _ -> {
                List<PeerInfo> peers = new ArrayList<>();
                for (P2pdProtos.PeerInfo p : r.getPeersList()) {
                    peers.add(peerInfo(p));
                }
                yield new Peers(peers);
            }
            case StreamOpen _ -> {
                expect(r.hasStreamInfo(), "streamInfo");
                yield new StreamOpened(streamInfo(r.getStreamInfo()));
            }
            case GetProtocols _ -> new Protocols(r.getPeerStore().getProtosList());
            case GetPeerInfo _ -> {
                expect(r.getPeerStore().hasPeer(), "peerStore.peer");
                yield new Peer(peerInfo(r.getPeerStore().getPeer()));
            }
            case ControlRequest.PubsubGetTopics _ -> new ControlResponse.PubsubTopics(r.getPubsub().getTopicsList());
            case ControlRequest.PubsubListPeers _ -> {
                List<PeerId> peers = new ArrayList<>();
                for (ByteString b : r.getPubsub().getPeerIDsList()) {
                    peers.add(peer(b));
                }
                yield new ControlResponse.PubsubPeers(peers);
            }
            case FindPeer _, FindProviders _, GetClosestPeers _, GetPublicKey _, GetValue _, SearchValue _ -> {
                expect(r.hasDht(), "dht");
                yield new ControlResponse.Dht(dhtMessage(r.getDht()));
            }
            case ControlRequest.ForwardListen _, ControlRequest.ForwardDial _, ControlRequest.ForwardList _ -> {
                expect(r.hasForward(), "forward");
                List<Forwarding> list = new ArrayList<>();
                for (P2pdProtos.Forwarding x : r.getForward().getForwardingsList()) {
                    list.add(new Forwarding(x.getProto(), Multiaddr.fromBytes(x.getListenAddr().toByteArray()),
                            Multiaddr.fromBytes(x.getTargetAddr().toByteArray()), x.getConnections()));
                }
                yield new ControlResponse.Forwardings(list);
            }
            case ControlRequest.ForwardClose _ -> {
                expect(r.hasForward(), "forward");
                yield new ControlResponse.ForwardsClosed(r.getForward().getClosed());
            }
            case Connect _, Disconnect _, StreamHandler _, TagPeer _, UntagPeer _, Trim _, Unsupported _,
                    ControlRequest.PubsubPublish _, ControlRequest.PubsubSubscribe _, PutValue _, Provide _ ->
                    new Ok();
        };
    }

    private static P2pdProtos.ScopeUsage scopeUsage(ControlResponse.ScopeUsage u) {
        P2pdProtos.ScopeUsage.Builder b = P2pdProtos.ScopeUsage.newBuilder().setScope(u.scope())
                .setConnsInbound(u.connsInbound()).setConnsOutbound(u.connsOutbound())
                .setStreamsInbound(u.streamsInbound()).setStreamsOutbound(u.streamsOutbound()).setMemory(u.memory())
                .setFd(u.fd());
        u.limit().ifPresent(l -> b.setLimit(scopeUsage(l)));
        return b.build();
    }

    private static ControlResponse.ScopeUsage scopeUsage(P2pdProtos.ScopeUsage u) {
        return new ControlResponse.ScopeUsage(u.getScope(), u.getConnsInbound(), u.getConnsOutbound(),
                u.getStreamsInbound(), u.getStreamsOutbound(), u.getMemory(), u.getFd(),
                u.hasLimit() ? java.util.Optional.of(scopeUsage(u.getLimit())) : java.util.Optional.empty());
    }

    private static void expect(boolean present, String field) throws FormatException {
        if (!present) {
            throw new FormatException("malformed response from the daemon: an OK without " + field);
        }
    }

    // ---------------------------------------------------------------- pubsub messages

    /** Writes one message of a PUBSUB SUBSCRIBE stream ({@code PSMessage}). */
    public static byte[] encodePubsubMessage(PubsubMessage m) {
        P2pdProtos.PSMessage.Builder b = P2pdProtos.PSMessage.newBuilder().setData(ByteString.copyFrom(m.data()))
                .addAllTopicIDs(m.topics());
        m.from().ifPresent(p -> b.setFrom(bytes(p)));
        m.seqno().ifPresent(s -> b.setSeqno(ByteString.copyFrom(s)));
        m.signature().ifPresent(s -> b.setSignature(ByteString.copyFrom(s)));
        m.key().ifPresent(k -> b.setKey(ByteString.copyFrom(k)));
        return b.build().toByteArray();
    }

    /** Reads one message of a PUBSUB SUBSCRIBE stream, for a client. */
    public static PubsubMessage decodePubsubMessage(byte[] frame) throws FormatException {
        P2pdProtos.PSMessage m;
        try {
            m = P2pdProtos.PSMessage.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new FormatException("malformed pubsub message from the daemon: " + e.getMessage());
        }
        return new PubsubMessage(m.hasFrom() ? java.util.Optional.of(peer(m.getFrom())) : java.util.Optional.empty(),
                m.getData().toByteArray(),
                m.hasSeqno() ? java.util.Optional.of(m.getSeqno().toByteArray()) : java.util.Optional.empty(),
                m.getTopicIDsList(),
                m.hasSignature() ? java.util.Optional.of(m.getSignature().toByteArray()) : java.util.Optional.empty(),
                m.hasKey() ? java.util.Optional.of(m.getKey().toByteArray()) : java.util.Optional.empty());
    }

    // ---------------------------------------------------------------- stream info

    /** Writes the message that starts a connection to a stream handler. */
    public static byte[] encodeStreamInfo(StreamInfo info) {
        return streamInfo(info).toByteArray();
    }

    /** Reads the message that starts a connection from the daemon to a stream handler. */
    public static StreamInfo decodeStreamInfo(byte[] frame) throws FormatException {
        try {
            return streamInfo(P2pdProtos.StreamInfo.parseFrom(frame));
        } catch (InvalidProtocolBufferException e) {
            throw new FormatException("malformed stream info from the daemon: " + e.getMessage());
        }
    }

    private static P2pdProtos.StreamInfo streamInfo(StreamInfo info) {
        return P2pdProtos.StreamInfo.newBuilder().setPeer(bytes(info.peer()))
                .setAddr(ByteString.copyFrom(info.addr().bytes())).setProto(info.protocol()).build();
    }

    private static StreamInfo streamInfo(P2pdProtos.StreamInfo s) throws FormatException {
        return new StreamInfo(peer(s.getPeer()), Multiaddr.fromBytes(s.getAddr().toByteArray()), s.getProto());
    }

    // ---------------------------------------------------------------- values

    private static P2pdProtos.PeerInfo peerInfo(PeerInfo info) {
        return P2pdProtos.PeerInfo.newBuilder().setId(bytes(info.id())).addAllAddrs(bytes(info.addrs())).build();
    }

    private static PeerInfo peerInfo(P2pdProtos.PeerInfo p) throws FormatException {
        return new PeerInfo(peer(p.getId()), multiaddrs(p.getAddrsList()));
    }

    private static PeerId peer(ByteString b) throws PeerIdException {
        return PeerId.fromBytes(b.toByteArray());
    }

    private static List<Multiaddr> multiaddrs(List<ByteString> list) throws MultiaddrException {
        List<Multiaddr> out = new ArrayList<>(list.size());
        for (ByteString b : list) {
            out.add(Multiaddr.fromBytes(b.toByteArray()));
        }
        return out;
    }

    private static ByteString bytes(PeerId peer) {
        return ByteString.copyFrom(peer.bytes());
    }

    private static List<ByteString> bytes(List<Multiaddr> addrs) {
        return addrs.stream().map(a -> ByteString.copyFrom(a.bytes())).toList();
    }
}
