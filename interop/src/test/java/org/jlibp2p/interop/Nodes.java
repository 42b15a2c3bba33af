package org.jlibp2p.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.protocols.ping.PingBehaviour;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.EventSubscription;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.identify.IdentifyBehaviour;
import org.jlibp2p.identify.IdentifyConfig;
import org.jlibp2p.identify.IdentifyEvent;
import org.jlibp2p.muxer.mplex.Mplex;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.node.Stacks;
import org.jlibp2p.security.plaintext.PlaintextSecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;

/** Java nodes as the interop tests assemble them: TCP, Noise (or TLS, or plaintext), one muxer, identify, ping and echo. */
final class Nodes {
    static final String AGENT = "jlibp2p-interop/0.1.0";

    /**
     * A node and its events from the start, before any connection, so a test can wait for what happened instead of
     * polling for its effects.
     */
    record Node(Swarm swarm, PingBehaviour ping, EventSubscription events) implements AutoCloseable {
        Node(Swarm swarm, PingBehaviour ping) {
            this(swarm, ping, swarm.subscribe(4096));
        }

        /**
         * Waits up to 15 s for a connection with {@code peer} to be established, failing if none is, and returns it.
         * The swarm announces a connection just before it shows it to queries (so that its ConnectionClosed always
         * comes after), so this then waits, bounded, the moment until {@link Swarm#connections()} has it too.
         */
        Connection awaitConnected(PeerId peer) throws InterruptedException {
            Connection[] found = new Connection[1];
            await("a connection with " + peer, e -> {
                if (e instanceof SwarmEvent.ConnectionEstablished(Connection c) && c.remotePeer().equals(peer)) {
                    found[0] = c;
                    return true;
                }
                return false;
            });
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!swarm.connections().contains(found[0])) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("the swarm announced " + found[0] + " and never showed it");
                }
                Thread.sleep(1);
            }
            return found[0];
        }

        /**
         * Waits up to 15 s for identify to report {@code peer} identified (it has filled the peerstore by then),
         * failing at once if identify reports it failed.
         */
        void awaitIdentified(PeerId peer) throws InterruptedException {
            await("identify of " + peer, e -> {
                if (e instanceof SwarmEvent.Emitted(IdentifyEvent.Failed f) && f.peer().equals(peer)) {
                    throw new AssertionError("identify of " + peer + " failed", f.error());
                }
                return e instanceof SwarmEvent.Emitted(IdentifyEvent.Received r) && r.peer().equals(peer);
            });
        }

        private void await(String what, Predicate<SwarmEvent> wanted) throws InterruptedException {
            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (true) {
                long left = end - System.nanoTime();
                SwarmEvent e = left > 0 ? events.poll(Duration.ofNanos(left)).orElse(null) : null;
                if (e == null) {
                    throw new AssertionError("no " + what + " within 15 s (" + events.missed() + " events missed)");
                }
                if (wanted.test(e)) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            events.close();
            swarm.close();
        }
    }

    private Nodes() {}

    static Node start(KeyType keyType, String muxer) {
        return start(keyType, muxer, Limits.defaults());
    }

    static Node start(KeyType keyType, String muxer, Limits limits) {
        PrivateKey key = Keys.generate(keyType).privateKey();
        StreamMuxer m = muxer.equals("mplex") ? new Mplex() : new Yamux();
        Swarm swarm = Stacks.tcpNoise(key, AGENT, limits, m);
        swarm.addBehaviour(new EchoBehaviour());
        return new Node(swarm, swarm.behaviour(PingBehaviour.class).orElseThrow());
    }

    /** A node secured with TLS 1.3 only, the muxer agreed by ALPN. */
    static Node startTls(KeyType keyType, String muxer) {
        PrivateKey key = Keys.generate(keyType).privateKey();
        StreamMuxer m = muxer.equals("mplex") ? new Mplex() : new Yamux();
        Swarm swarm = Stacks.tcpTls(key, AGENT, m);
        swarm.addBehaviour(new EchoBehaviour());
        return new Node(swarm, swarm.behaviour(PingBehaviour.class).orElseThrow());
    }

    /** A node secured with /plaintext/2.0.0 instead of Noise (no encryption; the identity is still exchanged). */
    static Node startPlaintext(KeyType keyType) {
        PrivateKey key = Keys.generate(keyType).privateKey();
        Swarm swarm = new Swarm(new SwarmConfig(key, List.of(new TcpTransport()),
                List.of(new PlaintextSecureChannel(key)), List.of(new Yamux())));
        swarm.addBehaviour(new IdentifyBehaviour(IdentifyConfig.defaults().withAgentVersion(AGENT)));
        PingBehaviour ping = new PingBehaviour();
        swarm.addBehaviour(ping);
        swarm.addBehaviour(new EchoBehaviour());
        return new Node(swarm, ping);
    }

    /** What an echo round trip sent and got back. */
    record Echo(String sentSha, String receivedSha, long received) {}

    /** Sends {@code size} random bytes on a new echo stream while reading the answer back. */
    static Echo echo(Swarm swarm, PeerId peer, long size, long seed) throws IOException {
        Stream s = swarm.newStream(peer, List.of(EchoBehaviour.PROTOCOL_ID));
        MessageDigest sent = sha256();
        Thread writer = Thread.ofVirtual().start(() -> {
            Random random = new Random(seed);
            byte[] buf = new byte[64 * 1024];
            try {
                OutputStream out = s.output();
                for (long left = size; left > 0; ) {
                    int n = (int) Math.min(buf.length, left);
                    random.nextBytes(buf);
                    sent.update(buf, 0, n);
                    out.write(buf, 0, n);
                    left -= n;
                }
                out.flush();
                s.closeOutput();
            } catch (IOException e) {
                s.reset();
            }
        });
        MessageDigest got = sha256();
        long received = 0;
        byte[] buf = new byte[64 * 1024];
        try (s) {
            InputStream in = s.input();
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.update(buf, 0, n);
                received += n;
            }
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Echo(HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(got.digest()), received);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
