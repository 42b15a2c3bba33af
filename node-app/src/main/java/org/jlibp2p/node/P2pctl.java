package org.jlibp2p.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.node.control.ControlCodec;
import org.jlibp2p.node.control.ControlRequest;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.ControlResponse.Identity;
import org.jlibp2p.node.control.ControlResponse.Ok;
import org.jlibp2p.node.control.ControlResponse.Peer;
import org.jlibp2p.node.control.ControlResponse.Peers;
import org.jlibp2p.node.control.ControlResponse.Protocols;
import org.jlibp2p.node.control.ControlResponse.StreamOpened;
import org.jlibp2p.node.control.PeerInfo;
import org.jlibp2p.node.control.StreamInfo;

/** {@code bin/p2pctl}: drives a running daemon through its control socket, for people. */
public final class P2pctl {
    private P2pctl() {}

    static final String USAGE = """
            usage: p2pctl [-control <maddr>] [-json] <command> [args]
              identify                         the daemon's peer id and addresses
              reachability                     whether the daemon is reachable (AutoNAT: PUBLIC, PRIVATE, UNKNOWN),
                                               its listen and its confirmed external addresses
              connect <maddr>/p2p/<peer>       connect to a peer
              peers                            connected peers, one line per connection: <peer> <address>
              disconnect <peer>                close every connection to a peer
              relays                           the reservations held on relays (reservation <relay> <address>)
                                               and the connections through relays (relayed <peer> via <relay>)
              protocols <peer>                 the protocols the daemon knows the peer to support, one a line
              peerinfo <peer>                  the peer id and the addresses the daemon knows for the peer
              stream <peer> <protocol>...      open a stream on the first protocol the peer supports;
                                               stdin goes to the peer (half-closing at its end), the answer to stdout
              handle [-n <count>] <protocol>...  serve inbound streams of these protocols: each one's data to
                                               stdout, stdin to the first; stops after <count> streams (0: never)
              resources                        what the node's connections and streams hold per scope (system and
                                               transient against their limits), and its refusals per reason
              listen <protocol> <host:port>    expose the local TCP service at <host:port> under <protocol> (which
                                               starts with /x/): each inbound stream is piped to a new connection
              forward <protocol> <host:port> <peer>|<maddr>/p2p/<peer>  forward a local port: each connection
                                               accepted at <host:port> (port 0 picks one) opens a stream of
                                               <protocol> to the peer
              forward --list                   every forwarding: <protocol> <listen address> <target> <connections>
              forward --close [-p <protocol>] [-l <listen address>] [-t <target>] | --all
                                               close the forwardings that match, with their connections
              tag <peer> <tag> <weight>        set a connection manager tag of a peer (p2pd -connManager)
              untag <peer> <tag>               remove a connection manager tag of a peer
              trim                             trim connections now, down to the low water mark (-connLo)
              pubsub topics                    the topics the daemon is subscribed to (p2pd -pubsub), one a line
              pubsub peers [<topic>]           the peers subscribed to a topic (without one: every pubsub peer)
              pubsub pub <topic> <data>        publish <data> to a topic ("-" publishes what stdin holds)
              pubsub sub [-n <count>] <topic>  subscribe and print each message as it comes: <from> <data>;
                                               stops after <count> messages (0: never)
              dht [-timeout <d>] <command> ...  the DHT of a daemon run with -dht, -dhtServer or -dhtClient:
                find-peer <peer>                 the peer's addresses
                find-providers [-n <count>] <cid>  providers of a CID (20 by default), one a line as found
                closest <key>                    the peer ids closest to a key, one a line
                get-public-key <peer>            the peer's public key (protobuf, base64)
                get <key>                        the best value stored under a key (base64)
                search <key>                     every better value found under a key, one a line (base64)
                put <key>                        stores the bytes of stdin under a key
                provide <cid>                    announces the daemon as a provider of a CID
                                               a key is text; /pk/<peer> and /ipns/<peer> take the peer id's bytes
              add [-r] <file|dir> [--cid-version 0|1] [--chunk-size <bytes>] [--raw-leaves=true|false]
                                               import a file or a directory tree (p2pd -bitswap) and announce it;
                                               prints its CID. Defaults as helia's: CIDv1, raw leaves, 1 MiB chunks;
                                               --cid-version 0 is kubo's classic add (256 KiB chunks, no raw
                                               leaves). Symbolic links in a tree are refused
              get <cid>[/path] [-o <file|dir>] [--peer <maddr>/p2p/<peer>]... [--timeout <s>]
                                               fetch a file or a tree (or what path names under it) from the
                                               providers the DHT finds and the --peer ones, to <file|dir> (default
                                               ./<cid> or the path's last name; a tree's must not exist); a
                                               progress bar on a terminal, JSON progress lines with --json
            -control is the daemon's control socket (p2pd -listen): /unix/<path> or /ip4/127.0.0.1/tcp/<port>;
            it defaults to /unix/tmp/p2pd.sock, the daemon's default.
            -json (or --json; before or right after the command) prints what identify, peers, protocols, peerinfo
            and resources answer as one JSON object: {"id":<peer>,"addrs":[<maddr>...]} for identify and peerinfo,
            {"peers":[{"id":<peer>,"addrs":[<maddr>]}...]} for peers, {"id":<peer>,"protocols":[<id>...]} for
            protocols, {"scopes":[{"scope":..,"connsInbound":..,...,"limit":{..}}...],"refusals":{<reason>:<n>}}
            for resources; {"topics":[..]} for pubsub topics, {"peers":[<peer>..]} for pubsub peers, and one
            {"from":<peer>,"topics":[..],"seqno":<hex>,"data":<base64>} a line for pubsub sub; for dht,
            {"id":..,"addrs":[..]} (find-peer), {"providers":[{"id":..,"addrs":[..]}..]}, {"peers":[<peer>..]}
            (closest), {"id":..,"publicKey":<base64>}, {"key":..,"value":<base64>} (get),
            {"key":..,"values":[<base64>..]} (search), {"ok":true} (put, provide); for listen, forward and
            forward --list {"forwardings":[{"protocol":..,"listen":..,"target":..,"connections":<n>}..]}, for
            forward --close {"closed":<n>}.
            """;

    /** A command line that does not say what to do. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one command; returns the exit status (0 done, 1 failed, 2 bad command line). */
    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        try {
            return execute(args, stdin, out, err);
        } catch (UsageException e) {
            err.println("p2pctl: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("p2pctl: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
        }
    }

    private static int execute(String[] args, InputStream stdin, PrintStream out, PrintStream err)
            throws IOException, UsageException {
        GoFlags f = new GoFlags().string("control", "/unix/tmp/p2pd.sock", "the daemon's control socket")
                .bool("json", false, "print JSON");
        try {
            f.parse(args);
        } catch (GoFlags.HelpRequested e) {
            out.print(USAGE);
            return 0;
        } catch (GoFlags.FlagException e) {
            throw new UsageException(e.getMessage());
        }
        List<String> rest = f.rest();
        if (rest.isEmpty()) {
            throw new UsageException("no command");
        }
        Multiaddr control;
        try {
            control = Multiaddr.parse(f.getString("control"));
        } catch (FormatException e) {
            throw new UsageException("-control: " + e.getMessage());
        }
        ControlClient client;
        try {
            client = new ControlClient(control);
        } catch (FormatException e) {
            throw new UsageException("-control: " + e.getMessage());
        }
        String cmd = rest.get(0);
        List<String> a = rest.subList(1, rest.size());
        Duration timeout = ControlCodec.DEFAULT_OPERATION_TIMEOUT;
        switch (cmd) {
            case "identify" -> {
                Query q = query(cmd, a, f.getBool("json"), 0, "identify");
                Identity id = client.call(new ControlRequest.Identify(), Identity.class);
                PeerInfo self = new PeerInfo(id.peer(), id.addrs());
                if (q.json()) {
                    out.println(peerJson(self));
                } else {
                    printPeer(out, self);
                }
            }
            case "connect" -> {
                need(a, 1, "connect <maddr>/p2p/<peer>");
                Multiaddr m = argument("address", () -> Multiaddr.parse(a.get(0)));
                var mh = m.peerIdMultihash().orElseThrow(() -> new UsageException("connect: " + a.get(0)
                        + " has no /p2p/<peer> part; the daemon needs the peer id to connect"));
                PeerId peer = argument("peer id in " + a.get(0), () -> PeerId.fromMultihash(mh));
                client.call(new ControlRequest.Connect(peer, List.of(m.withoutPeerId()), timeout), Ok.class);
                out.println("connected to " + peer);
            }
            case "peers" -> {
                Query q = query(cmd, a, f.getBool("json"), 0, "peers");
                Peers peers = client.call(new ControlRequest.ListPeers(), Peers.class);
                if (q.json()) {
                    out.println(Json.object("peers", Json.array(peers.peers().stream().map(P2pctl::peerJson)
                            .toList())));
                } else {
                    for (PeerInfo p : peers.peers()) {
                        StringBuilder sb = new StringBuilder(p.id().toString());
                        p.addrs().forEach(addr -> sb.append(' ').append(addr));
                        out.println(sb);
                    }
                }
            }
            case "relays" -> {
                Query q = query(cmd, a, f.getBool("json"), 0, "relays");
                Identity id = client.call(new ControlRequest.Identify(), Identity.class);
                Peers peers = client.call(new ControlRequest.ListPeers(), Peers.class);
                List<String[]> reservations = new ArrayList<>();
                for (Multiaddr m : id.addrs()) {
                    relayOf(m).ifPresent(r -> reservations.add(new String[] {r, m.toString()}));
                }
                List<String[]> relayed = new ArrayList<>();
                for (PeerInfo p : peers.peers()) {
                    for (Multiaddr m : p.addrs()) {
                        relayOf(m).ifPresent(r -> relayed.add(new String[] {p.id().toString(), r, m.toString()}));
                    }
                }
                if (q.json()) {
                    out.println(Json.object(
                            "reservations", Json.array(reservations.stream().map(r -> Json.object(
                                    "relay", Json.string(r[0]), "addr", Json.string(r[1]))).toList()),
                            "relayed", Json.array(relayed.stream().map(r -> Json.object("id", Json.string(r[0]),
                                    "relay", Json.string(r[1]), "addr", Json.string(r[2]))).toList())));
                } else {
                    reservations.forEach(r -> out.println("reservation " + r[0] + " " + r[1]));
                    relayed.forEach(r -> out.println("relayed " + r[0] + " via " + r[1]));
                }
            }
            case "disconnect" -> {
                need(a, 1, "disconnect <peer>");
                client.call(new ControlRequest.Disconnect(peerArg(a.get(0))), Ok.class);
                out.println("disconnected from " + a.get(0));
            }
            case "protocols" -> {
                Query q = query(cmd, a, f.getBool("json"), 1, "protocols <peer>");
                PeerId peer = peerArg(q.args().get(0));
                Protocols p = client.call(new ControlRequest.GetProtocols(peer), Protocols.class);
                if (q.json()) {
                    out.println(Json.object("id", Json.string(peer.toString()),
                            "protocols", Json.strings(p.protocols())));
                } else {
                    p.protocols().forEach(out::println);
                }
            }
            case "peerinfo" -> {
                Query q = query(cmd, a, f.getBool("json"), 1, "peerinfo <peer>");
                Peer p = client.call(new ControlRequest.GetPeerInfo(peerArg(q.args().get(0))), Peer.class);
                if (q.json()) {
                    out.println(peerJson(p.peer()));
                } else {
                    printPeer(out, p.peer());
                }
            }
            case "reachability" -> {
                Query q = query(cmd, a, f.getBool("json"), 0, "reachability");
                printReachability(out, client.call(new ControlRequest.Reachability(),
                        ControlResponse.Reachability.class), q.json());
            }
            case "resources" -> {
                Query q = query(cmd, a, f.getBool("json"), 0, "resources");
                printResources(out, client.call(new ControlRequest.Resources(), ControlResponse.Resources.class),
                        q.json());
            }
            case "stream" -> {
                need(a, 2, "stream <peer> <protocol>...");
                PeerId peer = peerArg(a.get(0));
                ChannelDuplex conn = client.open();
                try (conn) {
                    StreamOpened r = ControlClient.send(conn,
                            new ControlRequest.StreamOpen(peer, a.subList(1, a.size()), timeout), StreamOpened.class);
                    err.println("stream open on " + r.stream().protocol());
                    pipeStdio(conn, stdin, out);
                }
            }
            case "handle" -> {
                GoFlags hf = new GoFlags().integer("n", 0, "streams to serve before exiting; 0 for no limit");
                try {
                    hf.parse(a.toArray(String[]::new));
                } catch (GoFlags.FlagException e) {
                    throw new UsageException("handle: " + e.getMessage());
                }
                need(hf.rest(), 1, "handle [-n <count>] <protocol>...");
                if (hf.getInt("n") < 0) {
                    throw new UsageException("handle: -n must not be negative");
                }
                return handle(client, hf.rest(), hf.getInt("n"), stdin, out, err);
            }
            case "tag" -> {
                exactly(a, 3, "tag <peer> <tag> <weight>");
                PeerId peer = peerArg(a.get(0));
                int weight;
                try {
                    weight = Integer.parseInt(a.get(2));
                } catch (NumberFormatException e) {
                    throw new UsageException("tag: the weight is an integer, not " + a.get(2));
                }
                client.call(new ControlRequest.TagPeer(peer, tagArg(a.get(1)), weight), Ok.class);
                out.println("tagged " + peer + " " + a.get(1) + "=" + weight);
            }
            case "untag" -> {
                exactly(a, 2, "untag <peer> <tag>");
                PeerId peer = peerArg(a.get(0));
                client.call(new ControlRequest.UntagPeer(peer, tagArg(a.get(1))), Ok.class);
                out.println("untagged " + peer + " " + a.get(1));
            }
            case "trim" -> {
                exactly(a, 0, "trim");
                client.call(new ControlRequest.Trim(), Ok.class);
                out.println("trimmed");
            }
            case "pubsub" -> {
                return pubsub(client, a, f.getBool("json"), stdin, out);
            }
            case "dht" -> {
                return dht(client, a, f.getBool("json"), stdin, out);
            }
            case "add" -> {
                return FilesCli.add(client, a, f.getBool("json"), out);
            }
            case "get" -> {
                return FilesCli.get(client, a, f.getBool("json"), System.console() != null, out, err);
            }
            case "listen" -> {
                exactly(a, 2, "listen <protocol> <host:port>");
                printForwardings(out, client.call(new ControlRequest.ForwardListen(a.get(0),
                        hostPort(a.get(1))), ControlResponse.Forwardings.class), f.getBool("json"));
            }
            case "forward" -> {
                return forward(client, a, f.getBool("json"), out);
            }
            default -> throw new UsageException("unknown command \"" + cmd + "\"");
        }
        return 0;
    }

    private static int pubsub(ControlClient client, List<String> a, boolean json, InputStream stdin, PrintStream out)
            throws IOException, UsageException {
        need(a, 1, "pubsub topics|peers|pub|sub ...");
        String sub = a.get(0);
        List<String> rest = a.subList(1, a.size());
        switch (sub) {
            case "topics" -> {
                Query q = query("pubsub topics", rest, json, 0, "pubsub topics");
                List<String> topics = client.call(new ControlRequest.PubsubGetTopics(),
                        ControlResponse.PubsubTopics.class).topics();
                if (q.json()) {
                    out.println(Json.object("topics", Json.strings(topics)));
                } else {
                    topics.forEach(out::println);
                }
            }
            case "peers" -> {
                GoFlags qf = new GoFlags().bool("json", json, "print JSON");
                try {
                    qf.parse(rest.toArray(String[]::new));
                } catch (GoFlags.FlagException e) {
                    throw new UsageException("pubsub peers: " + e.getMessage());
                }
                if (qf.rest().size() > 1) {
                    throw new UsageException("usage: p2pctl pubsub peers [<topic>]");
                }
                String topic = qf.rest().isEmpty() ? "" : qf.rest().getFirst();
                List<PeerId> peers = client.call(new ControlRequest.PubsubListPeers(topic),
                        ControlResponse.PubsubPeers.class).peers();
                if (qf.getBool("json")) {
                    out.println(Json.object("peers", Json.strings(peers)));
                } else {
                    peers.forEach(out::println);
                }
            }
            case "pub" -> {
                exactly(rest, 2, "pubsub pub <topic> <data>");
                byte[] data = rest.get(1).equals("-") ? stdin.readNBytes(ControlServer.MAX_REQUEST - 1024)
                        : rest.get(1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                client.call(new ControlRequest.PubsubPublish(rest.get(0), data), Ok.class);
                out.println("published " + data.length + " bytes to " + rest.get(0));
            }
            case "sub" -> {
                GoFlags sf = new GoFlags().integer("n", 0, "messages to print before exiting; 0 for no limit")
                        .bool("json", json, "print JSON");
                try {
                    sf.parse(rest.toArray(String[]::new));
                } catch (GoFlags.FlagException e) {
                    throw new UsageException("pubsub sub: " + e.getMessage());
                }
                exactly(sf.rest(), 1, "pubsub sub [-n <count>] <topic>");
                int limit = sf.getInt("n");
                if (limit < 0) {
                    throw new UsageException("pubsub sub: -n must not be negative");
                }
                try (ChannelDuplex conn = client.open()) {
                    ControlClient.send(conn, new ControlRequest.PubsubSubscribe(sf.rest().getFirst()), Ok.class);
                    out.flush();
                    for (int n = 0; limit == 0 || n < limit; n++) {
                        byte[] frame;
                        try {
                            frame = org.jlibp2p.core.io.LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE);
                        } catch (java.io.EOFException e) {
                            break; // the daemon stopped
                        }
                        printMessage(out, ControlCodec.decodePubsubMessage(frame), sf.getBool("json"));
                        out.flush();
                    }
                }
            }
            default -> throw new UsageException("unknown pubsub command \"" + sub + "\" (topics, peers, pub or sub)");
        }
        return 0;
    }

    private static void printMessage(PrintStream out, org.jlibp2p.node.control.PubsubMessage m, boolean json) {
        String from = m.from().map(PeerId::toString).orElse("-");
        if (json) {
            out.println(Json.object("from", m.from().isPresent() ? Json.string(from) : "null",
                    "topics", Json.strings(m.topics()),
                    "seqno", m.seqno().isPresent() ? Json.string(java.util.HexFormat.of().formatHex(m.seqno().get()))
                            : "null",
                    "data", Json.string(java.util.Base64.getEncoder().encodeToString(m.data()))));
        } else {
            out.println(from + " " + new String(m.data(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    // ---------------------------------------------------------------- dht

    /** Values of {@code dht put} read from stdin at most (the daemon takes requests of up to 4 MiB). */
    private static final int MAX_PUT_VALUE = 1 << 20;

    private static int dht(ControlClient client, List<String> args, boolean jsonDefault, InputStream stdin,
            PrintStream out) throws IOException, UsageException {
        GoFlags df = new GoFlags().bool("json", jsonDefault, "print JSON")
                .duration("timeout", ControlCodec.DEFAULT_OPERATION_TIMEOUT, "how long the lookup may take");
        try {
            df.parse(args.toArray(String[]::new));
        } catch (GoFlags.FlagException e) {
            throw new UsageException("dht: " + e.getMessage());
        }
        if (df.rest().isEmpty()) {
            throw new UsageException("usage: p2pctl dht <find-peer|find-providers|closest|get-public-key|get|search"
                    + "|put|provide> ...");
        }
        Duration timeout = df.getDuration("timeout");
        if (!timeout.isPositive()) {
            throw new UsageException("dht: -timeout must be positive");
        }
        String sub = df.rest().get(0);
        List<String> rest = df.rest().subList(1, df.rest().size());
        switch (sub) {
            case "find-peer" -> {
                Query q = query("dht find-peer", rest, df.getBool("json"), 1, "dht find-peer <peer>");
                PeerInfo p = dhtPeer(client.call(new ControlRequest.FindPeer(peerArg(q.args().get(0)), timeout),
                        ControlResponse.Dht.class));
                if (q.json()) {
                    out.println(peerJson(p));
                } else {
                    printPeer(out, p);
                }
            }
            case "find-providers" -> {
                GoFlags nf = new GoFlags().bool("json", df.getBool("json"), "print JSON")
                        .integer("n", ControlCodec.DEFAULT_PROVIDER_COUNT, "providers to find at most");
                try {
                    nf.parse(rest.toArray(String[]::new));
                } catch (GoFlags.FlagException e) {
                    throw new UsageException("dht find-providers: " + e.getMessage());
                }
                exactly(nf.rest(), 1, "dht find-providers [-n <count>] <cid>");
                if (nf.getInt("n") < 1) {
                    throw new UsageException("dht find-providers: -n must be positive");
                }
                Cid cid = argument("CID " + nf.rest().get(0), () -> Cid.parse(nf.rest().get(0)));
                List<String> json = new java.util.ArrayList<>();
                client.dhtStream(new ControlRequest.FindProviders(cid, nf.getInt("n"), timeout), m -> {
                    PeerInfo p = m.peer().orElse(null);
                    if (p == null) {
                        return;
                    }
                    if (nf.getBool("json")) {
                        json.add(peerJson(p));
                    } else {
                        StringBuilder sb = new StringBuilder(p.id().toString());
                        p.addrs().forEach(addr -> sb.append(' ').append(addr));
                        out.println(sb);
                        out.flush();
                    }
                });
                if (nf.getBool("json")) {
                    out.println(Json.object("providers", Json.array(json)));
                }
            }
            case "closest" -> {
                Query q = query("dht closest", rest, df.getBool("json"), 1, "dht closest <key>");
                List<String> peers = new java.util.ArrayList<>();
                client.dhtStream(new ControlRequest.GetClosestPeers(dhtKey(q.args().get(0)), timeout), m -> {
                    if (m.value().isPresent()) {
                        try {
                            peers.add(PeerId.fromBytes(m.value().get()).toString());
                        } catch (FormatException e) {
                            peers.add("(not a peer id: " + Base64.getEncoder().encodeToString(m.value().get())
                                    + ")");
                        }
                    }
                });
                if (q.json()) {
                    out.println(Json.object("peers", Json.strings(peers)));
                } else {
                    peers.forEach(out::println);
                }
            }
            case "get-public-key" -> {
                Query q = query("dht get-public-key", rest, df.getBool("json"), 1, "dht get-public-key <peer>");
                PeerId peer = peerArg(q.args().get(0));
                String key = Base64.getEncoder().encodeToString(dhtValue(client.call(
                        new ControlRequest.GetPublicKey(peer, timeout), ControlResponse.Dht.class)));
                out.println(q.json() ? Json.object("id", Json.string(peer.toString()), "publicKey",
                        Json.string(key)) : key);
            }
            case "get" -> {
                Query q = query("dht get", rest, df.getBool("json"), 1, "dht get <key>");
                String value = Base64.getEncoder().encodeToString(dhtValue(client.call(
                        new ControlRequest.GetValue(dhtKey(q.args().get(0)), timeout), ControlResponse.Dht.class)));
                out.println(q.json() ? Json.object("key", Json.string(q.args().get(0)), "value", Json.string(value))
                        : value);
            }
            case "search" -> {
                Query q = query("dht search", rest, df.getBool("json"), 1, "dht search <key>");
                List<String> values = new java.util.ArrayList<>();
                client.dhtStream(new ControlRequest.SearchValue(dhtKey(q.args().get(0)), timeout), m -> m.value()
                        .ifPresent(v -> {
                            String b64 = Base64.getEncoder().encodeToString(v);
                            if (q.json()) {
                                values.add(b64);
                            } else {
                                out.println(b64);
                                out.flush();
                            }
                        }));
                if (q.json()) {
                    out.println(Json.object("key", Json.string(q.args().get(0)), "values", Json.strings(values)));
                }
            }
            case "put" -> {
                Query q = query("dht put", rest, df.getBool("json"), 1, "dht put <key> < value");
                byte[] value = stdin.readNBytes(MAX_PUT_VALUE + 1);
                if (value.length > MAX_PUT_VALUE) {
                    throw new UsageException("dht put: the value is larger than " + MAX_PUT_VALUE + " bytes");
                }
                client.call(new ControlRequest.PutValue(dhtKey(q.args().get(0)), value, timeout),
                        ControlResponse.Ok.class);
                out.println(q.json() ? Json.object("ok", "true") : "stored " + value.length + " bytes under "
                        + q.args().get(0));
            }
            case "provide" -> {
                Query q = query("dht provide", rest, df.getBool("json"), 1, "dht provide <cid>");
                Cid cid = argument("CID " + q.args().get(0), () -> Cid.parse(q.args().get(0)));
                client.call(new ControlRequest.Provide(cid, timeout), ControlResponse.Ok.class);
                out.println(q.json() ? Json.object("ok", "true") : "providing " + cid);
            }
            default -> throw new UsageException("unknown dht command \"" + sub + "\"");
        }
        return 0;
    }

    private static int forward(ControlClient client, List<String> a, boolean json, PrintStream out)
            throws IOException, UsageException {
        GoFlags ff = new GoFlags().bool("list", false, "list the forwardings")
                .bool("close", false, "close forwardings").bool("all", false, "with --close: every forwarding")
                .string("p", "", "with --close: the protocol").string("l", "", "with --close: the listen address")
                .string("t", "", "with --close: the target address").bool("json", json, "print JSON");
        try {
            ff.parse(a.toArray(String[]::new));
        } catch (GoFlags.FlagException e) {
            throw new UsageException("forward: " + e.getMessage());
        }
        if (ff.getBool("list")) {
            exactly(ff.rest(), 0, "forward --list");
            printForwardings(out, client.call(new ControlRequest.ForwardList(), ControlResponse.Forwardings.class),
                    ff.getBool("json"));
        } else if (ff.getBool("close")) {
            exactly(ff.rest(), 0, "forward --close [-p <protocol>] [-l <listen>] [-t <target>] | --all");
            java.util.Optional<String> proto = ff.getString("p").isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(ff.getString("p"));
            java.util.Optional<Multiaddr> listen = ff.getString("l").isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(forwardAddress(ff.getString("l")));
            java.util.Optional<Multiaddr> target = ff.getString("t").isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(forwardAddress(ff.getString("t")));
            if (!ff.getBool("all") && proto.isEmpty() && listen.isEmpty() && target.isEmpty()) {
                throw new UsageException("forward --close needs -p, -l, -t or --all");
            }
            int n = client.call(new ControlRequest.ForwardClose(proto, listen, target, ff.getBool("all")),
                    ControlResponse.ForwardsClosed.class).count();
            out.println(ff.getBool("json") ? Json.object("closed", String.valueOf(n)) : "closed " + n);
        } else {
            exactly(ff.rest(), 3, "forward <protocol> <host:port> <peer>|<maddr>/p2p/<peer>");
            String dest = ff.rest().get(2);
            PeerId peer;
            List<Multiaddr> addrs = List.of();
            if (dest.startsWith("/")) {
                Multiaddr m = argument("address", () -> Multiaddr.parse(dest));
                var mh = m.peerIdMultihash().orElseThrow(() -> new UsageException("forward: " + dest
                        + " has no /p2p/<peer> part"));
                peer = argument("peer id in " + dest, () -> PeerId.fromMultihash(mh));
                Multiaddr bare = m.withoutPeerId();
                addrs = bare.isEmpty() ? List.of() : List.of(bare);
            } else {
                peer = peerArg(dest);
            }
            printForwardings(out, client.call(new ControlRequest.ForwardDial(ff.rest().get(0),
                    hostPort(ff.rest().get(1)), peer, addrs), ControlResponse.Forwardings.class), ff.getBool("json"));
        }
        return 0;
    }

    /** {@code host:port}, {@code [v6]:port} or a multiaddr, as a TCP multiaddr. */
    static Multiaddr hostPort(String text) throws UsageException {
        if (text.startsWith("/")) {
            return argument("address " + text, () -> Multiaddr.parse(text));
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new UsageException("not <host>:<port>: " + text);
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (!port.chars().allMatch(Character::isDigit)) {
            throw new UsageException("not a port: " + port);
        }
        if (host.equals("localhost")) {
            host = "127.0.0.1";
        }
        String ip = host.startsWith("[") && host.endsWith("]") ? "/ip6/" + host.substring(1, host.length() - 1)
                : host.contains(":") ? "/ip6/" + host : "/ip4/" + host;
        String m = ip + "/tcp/" + port;
        return argument("address " + text, () -> Multiaddr.parse(m));
    }

    private static Multiaddr forwardAddress(String text) throws UsageException {
        return text.startsWith("/") ? argument("address " + text, () -> Multiaddr.parse(text)) : hostPort(text);
    }

    private static void printForwardings(PrintStream out, ControlResponse.Forwardings r, boolean json) {
        if (json) {
            out.println(Json.object("forwardings", Json.array(r.forwardings().stream().map(x -> Json.object(
                    "protocol", Json.string(x.protocol()), "listen", Json.string(x.listen().toString()),
                    "target", Json.string(x.target().toString()),
                    "connections", String.valueOf(x.connections()))).toList())));
            return;
        }
        for (var x : r.forwardings()) {
            out.println(x.protocol() + " " + x.listen() + " " + x.target() + " " + x.connections());
        }
    }

    /** A key typed by a person: text, except that {@code /pk/<peer>} and {@code /ipns/<peer>} take the id's bytes. */
    static byte[] dhtKey(String text) {
        for (String ns : List.of("/pk/", "/ipns/")) {
            if (text.startsWith(ns)) {
                try {
                    byte[] id = PeerId.parse(text.substring(ns.length())).bytes();
                    byte[] prefix = ns.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    byte[] key = java.util.Arrays.copyOf(prefix, prefix.length + id.length);
                    System.arraycopy(id, 0, key, prefix.length, id.length);
                    return key;
                } catch (FormatException e) {
                    break; // not a peer id: the text itself
                }
            }
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static PeerInfo dhtPeer(ControlResponse.Dht r) throws FormatException {
        return r.message().peer().orElseThrow(() -> new FormatException("the daemon's DHT answer carries no peer"));
    }

    private static byte[] dhtValue(ControlResponse.Dht r) throws FormatException {
        return r.message().value().orElseThrow(() -> new FormatException("the daemon's DHT answer carries no value"));
    }

    /** The arguments of a command that prints an answer, and whether to print it as JSON. */
    private record Query(List<String> args, boolean json) {}

    /** Reads {@code -json} right after the command, then exactly {@code count} arguments. */
    private static Query query(String cmd, List<String> args, boolean json, int count, String usage)
            throws UsageException {
        GoFlags qf = new GoFlags().bool("json", json, "print JSON");
        try {
            qf.parse(args.toArray(String[]::new));
        } catch (GoFlags.FlagException e) {
            throw new UsageException(cmd + ": " + e.getMessage());
        }
        if (qf.rest().size() != count) {
            if (qf.rest().stream().anyMatch(arg -> arg.startsWith("-"))) {
                throw new UsageException(cmd + ": flags go before the arguments: p2pctl -json " + usage);
            }
            throw new UsageException("usage: p2pctl " + usage);
        }
        return new Query(qf.rest(), qf.getBool("json"));
    }

    private static void printReachability(PrintStream out, ControlResponse.Reachability r, boolean json) {
        if (json) {
            List<String> fields = new java.util.ArrayList<>(List.of("reachability", Json.string(r.reachability())));
            r.reachableAddr().ifPresent(x -> fields.addAll(List.of("reachableAddr", Json.string(x.toString()))));
            fields.addAll(List.of("listenAddrs", Json.array(r.listenAddrs().stream()
                            .map(x -> Json.string(x.toString())).toList()),
                    "externalAddrs", Json.array(r.externalAddrs().stream().map(x -> Json.string(x.toString())).toList()),
                    "autonatServer", String.valueOf(r.autonatServer())));
            out.println(Json.object(fields.toArray(String[]::new)));
            return;
        }
        out.println("Reachability: " + r.reachability() + r.reachableAddr().map(x -> " (reached at " + x + ")")
                .orElse(""));
        out.println("AutoNAT server: " + (r.autonatServer() ? "on" : "off"));
        out.println("Listen Addrs:");
        r.listenAddrs().forEach(out::println);
        out.println("External Addrs:");
        r.externalAddrs().forEach(out::println);
    }

    private static void printResources(PrintStream out, ControlResponse.Resources r, boolean json) {
        if (json) {
            List<String> scopes = r.scopes().stream().map(P2pctl::scopeJson).toList();
            List<String> refusals = new java.util.ArrayList<>();
            r.refusals().forEach((reason, n) -> {
                refusals.add(reason);
                refusals.add(String.valueOf(n));
            });
            out.println(Json.object("scopes", Json.array(scopes), "refusals",
                    Json.object(refusals.toArray(String[]::new))));
            return;
        }
        out.printf("%-60s %11s %11s %13s %13s %21s %11s%n", "scope", "conns in", "conns out", "streams in",
                "streams out", "memory", "fds");
        for (ControlResponse.ScopeUsage u : r.scopes()) {
            var l = u.limit();
            out.printf("%-60s %11s %11s %13s %13s %21s %11s%n", u.scope(),
                    of(u.connsInbound(), l.map(ControlResponse.ScopeUsage::connsInbound)),
                    of(u.connsOutbound(), l.map(ControlResponse.ScopeUsage::connsOutbound)),
                    of(u.streamsInbound(), l.map(ControlResponse.ScopeUsage::streamsInbound)),
                    of(u.streamsOutbound(), l.map(ControlResponse.ScopeUsage::streamsOutbound)),
                    of(u.memory(), l.map(ControlResponse.ScopeUsage::memory)),
                    of(u.fd(), l.map(ControlResponse.ScopeUsage::fd)));
        }
        if (r.refusals().isEmpty()) {
            out.println("refused: nothing");
        } else {
            r.refusals().forEach((reason, n) -> out.println("refused (" + reason + "): " + n));
        }
    }

    /** {@code used/limit}, or {@code used} when the scope shows no limit; a limit past 2^31 is "-". */
    private static String of(long used, java.util.Optional<Long> limit) {
        return limit.map(l -> used + "/" + (l >= Integer.MAX_VALUE ? "-" : String.valueOf(l)))
                .orElse(String.valueOf(used));
    }

    private static String scopeJson(ControlResponse.ScopeUsage u) {
        List<String> fields = new java.util.ArrayList<>(List.of("scope", Json.string(u.scope()),
                "connsInbound", String.valueOf(u.connsInbound()), "connsOutbound", String.valueOf(u.connsOutbound()),
                "streamsInbound", String.valueOf(u.streamsInbound()),
                "streamsOutbound", String.valueOf(u.streamsOutbound()), "memory", String.valueOf(u.memory()),
                "fd", String.valueOf(u.fd())));
        u.limit().ifPresent(l -> {
            fields.add("limit");
            fields.add(scopeJson(l));
        });
        return Json.object(fields.toArray(String[]::new));
    }

    private static void printPeer(PrintStream out, PeerInfo peer) {
        out.println("Peer ID: " + peer.id());
        out.println("Peer Addrs:");
        peer.addrs().forEach(out::println);
    }

    /** The relay of a /p2p-circuit address: the peer id just before /p2p-circuit. */
    private static java.util.Optional<String> relayOf(Multiaddr m) {
        var c = m.components();
        for (int i = 1; i < c.size(); i++) {
            if (c.get(i).protocol() == org.jlibp2p.core.multiaddr.Protocol.P2P_CIRCUIT
                    && c.get(i - 1).protocol() == org.jlibp2p.core.multiaddr.Protocol.P2P) {
                return java.util.Optional.of(c.get(i - 1).valueString());
            }
        }
        return java.util.Optional.empty();
    }

    private static String peerJson(PeerInfo peer) {
        return Json.object("id", Json.string(peer.id().toString()), "addrs", Json.strings(peer.addrs()));
    }

    private static int handle(ControlClient client, List<String> protocols, int count, InputStream stdin,
            PrintStream out, PrintStream err) throws IOException {
        Path dir = Files.createTempDirectory("p2pctl");
        Path sock = dir.resolve("handler.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            client.call(new ControlRequest.StreamHandler(Multiaddr.parse("/unix" + sock), protocols), Ok.class);
            err.println("handling " + String.join(", ", protocols) + "; Ctrl-C to stop");
            boolean first = true;
            for (int served = 0; count == 0 || served < count; served++) {
                SocketChannel ch = server.accept();
                try (ChannelDuplex conn = new ChannelDuplex(ch)) {
                    StreamInfo info = ControlCodec.decodeStreamInfo(
                            LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
                    err.println("stream from " + info.peer() + " on " + info.protocol());
                    pipeStdio(conn, first ? stdin : InputStream.nullInputStream(), out);
                    first = false;
                }
            }
            return 0;
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * stdin to the stream (half-closing at its end) and the stream to stdout, until both directions have ended: the
     * peer may half-close first and still read what stdin has left to send.
     */
    private static void pipeStdio(Duplex conn, InputStream stdin, OutputStream stdout) throws IOException {
        Thread up = Thread.ofVirtual().name("p2pctl-stdin").start(() -> {
            try {
                stdin.transferTo(conn.output());
                conn.closeOutput();
            } catch (IOException ignored) {
                // the stream was reset or closed: nothing more can be sent
            }
        });
        conn.input().transferTo(stdout);
        stdout.flush();
        try {
            up.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void need(List<String> args, int n, String usage) throws UsageException {
        if (args.size() < n) {
            throw new UsageException("usage: p2pctl " + usage);
        }
    }

    private static void exactly(List<String> args, int n, String usage) throws UsageException {
        if (args.size() != n) {
            throw new UsageException("usage: p2pctl " + usage);
        }
    }

    private static String tagArg(String tag) throws UsageException {
        if (tag.isEmpty()) {
            throw new UsageException("a tag must not be empty");
        }
        return tag;
    }

    private interface Parse<T> {
        T parse() throws FormatException;
    }

    private static <T> T argument(String what, Parse<T> p) throws UsageException {
        try {
            return p.parse();
        } catch (FormatException e) {
            throw new UsageException("bad " + what + ": " + e.getMessage());
        }
    }

    private static PeerId peerArg(String s) throws UsageException {
        return argument("peer id " + s, () -> PeerId.parse(s));
    }
}
