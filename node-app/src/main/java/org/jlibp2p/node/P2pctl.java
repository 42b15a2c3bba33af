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
import java.util.List;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;

/** {@code bin/p2pctl}: drives a running daemon through its control socket, for people. */
public final class P2pctl {
    private P2pctl() {}

    static final String USAGE = """
            usage: p2pctl [-control <maddr>] <command> [args]
              identify                      the daemon's peer id and addresses
              connect <maddr/p2p/id>        connect to a peer
              peers                         connected peers and the address of each connection
              disconnect <peer>             close every connection to a peer
              stream <peer> <protocol>...   open a stream; stdin goes to the peer, its answer to stdout
              handle <protocol>...          serve inbound streams: each one's data to stdout, stdin to the first
            -control defaults to /unix/tmp/p2pd.sock, the daemon's default.
            """;

    public static void main(String[] args) {
        try {
            System.exit(run(args, System.in, System.out, System.err));
        } catch (IOException e) {
            System.err.println("p2pctl: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) throws IOException {
        GoFlags f = new GoFlags().string("control", "/unix/tmp/p2pd.sock", "the daemon's control socket");
        try {
            f.parse(args);
        } catch (GoFlags.FlagException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        }
        List<String> rest = f.rest();
        if (rest.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        ControlClient client = new ControlClient(Multiaddr.parse(f.getString("control")));
        String cmd = rest.get(0);
        List<String> a = rest.subList(1, rest.size());
        switch (cmd) {
            case "identify" -> {
                Response r = client.call(Request.newBuilder().setType(Request.Type.IDENTIFY).build());
                out.println("Peer ID: " + PeerId.fromBytes(r.getIdentify().getId().toByteArray()));
                out.println("Peer Addrs:");
                for (var addr : r.getIdentify().getAddrsList()) {
                    out.println(Multiaddr.fromBytes(addr.toByteArray()));
                }
            }
            case "connect" -> {
                need(a, 1, "connect <maddr/p2p/id>");
                Multiaddr m = Multiaddr.parse(a.get(0));
                var mh = m.peerIdMultihash().orElseThrow(() -> new IOException("the address needs a /p2p/<id> part"));
                client.call(Request.newBuilder().setType(Request.Type.CONNECT)
                        .setConnect(P2pdProtos.ConnectRequest.newBuilder().setPeer(ControlClient.bytes(mh.bytes()))
                                .addAddrs(ControlClient.bytes(m.withoutPeerId().bytes())))
                        .build());
                out.println("connected to " + PeerId.fromBytes(mh.bytes()));
            }
            case "peers" -> {
                Response r = client.call(Request.newBuilder().setType(Request.Type.LIST_PEERS).build());
                for (P2pdProtos.PeerInfo p : r.getPeersList()) {
                    StringBuilder sb = new StringBuilder(PeerId.fromBytes(p.getId().toByteArray()).toString());
                    for (var addr : p.getAddrsList()) {
                        sb.append(' ').append(Multiaddr.fromBytes(addr.toByteArray()));
                    }
                    out.println(sb);
                }
            }
            case "disconnect" -> {
                need(a, 1, "disconnect <peer>");
                client.call(Request.newBuilder().setType(Request.Type.DISCONNECT)
                        .setDisconnect(P2pdProtos.DisconnectRequest.newBuilder()
                                .setPeer(ControlClient.bytes(PeerId.parse(a.get(0)).bytes())))
                        .build());
                out.println("disconnected from " + a.get(0));
            }
            case "stream" -> {
                need(a, 2, "stream <peer> <protocol>...");
                ControlServer.ChannelDuplex conn = client.open();
                try (conn) {
                    Response r = ControlClient.send(conn, Request.newBuilder().setType(Request.Type.STREAM_OPEN)
                            .setStreamOpen(P2pdProtos.StreamOpenRequest.newBuilder()
                                    .setPeer(ControlClient.bytes(PeerId.parse(a.get(0)).bytes()))
                                    .addAllProto(a.subList(1, a.size())))
                            .build());
                    err.println("stream open on " + r.getStreamInfo().getProto());
                    pipeStdio(conn, stdin, out);
                }
            }
            case "handle" -> {
                need(a, 1, "handle <protocol>...");
                return handle(client, a, stdin, out, err);
            }
            default -> {
                err.println("unknown command " + cmd);
                err.print(USAGE);
                return 2;
            }
        }
        return 0;
    }

    private static int handle(ControlClient client, List<String> protocols, InputStream stdin, PrintStream out,
            PrintStream err) throws IOException {
        Path dir = Files.createTempDirectory("p2pctl");
        Path sock = dir.resolve("handler.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            client.call(Request.newBuilder().setType(Request.Type.STREAM_HANDLER)
                    .setStreamHandler(P2pdProtos.StreamHandlerRequest.newBuilder()
                            .setAddr(ControlClient.bytes(Multiaddr.parse("/unix" + sock).bytes()))
                            .addAllProto(protocols))
                    .build());
            err.println("handling " + String.join(", ", protocols) + "; Ctrl-C to stop");
            boolean first = true;
            while (true) {
                SocketChannel ch = server.accept();
                try (ControlServer.ChannelDuplex conn = new ControlServer.ChannelDuplex(ch)) {
                    P2pdProtos.StreamInfo info = P2pdProtos.StreamInfo.parseFrom(
                            LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
                    err.println("stream from " + PeerId.fromBytes(info.getPeer().toByteArray()) + " on "
                            + info.getProto());
                    pipeStdio(conn, first ? stdin : InputStream.nullInputStream(), out);
                    first = false;
                }
            }
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    /** stdin to the stream (half-closing at its end), the stream to stdout, until the stream ends. */
    private static void pipeStdio(Duplex conn, InputStream stdin, OutputStream stdout) throws IOException {
        Thread up = Thread.ofVirtual().start(() -> {
            try {
                stdin.transferTo(conn.output());
                conn.closeOutput();
            } catch (IOException ignored) {
                // the stream ended first
            }
        });
        conn.input().transferTo(stdout);
        stdout.flush();
        up.interrupt();
    }

    private static void need(List<String> args, int n, String usage) throws IOException {
        if (args.size() < n) {
            throw new IOException("usage: p2pctl " + usage);
        }
    }
}
