package org.jlibp2p.node.stack;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Limits;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmConfig;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.muxer.mplex.Mplex;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.security.noise.NoiseSession;
import org.jlibp2p.security.plaintext.PlaintextSecureChannel;
import org.jlibp2p.transport.tcp.TcpTransport;

/** Builds swarms for multi-node tests and waits on them, every wait bounded. */
final class Nodes {
    private Nodes() {}

    static final Duration WAIT = Duration.ofSeconds(5);

    /** The security and muxer combinations under test. */
    enum Stack {
        NOISE_YAMUX, NOISE_MPLEX, PLAINTEXT_YAMUX;

        SecureChannel security(PrivateKey k) {
            return switch (this) {
                case NOISE_YAMUX -> new NoiseSecureChannel(new NoiseConfig(k).withStreamMuxers(List.of(Yamux.PROTOCOL_ID)));
                case NOISE_MPLEX -> new NoiseSecureChannel(new NoiseConfig(k).withStreamMuxers(List.of(Mplex.PROTOCOL_ID)));
                case PLAINTEXT_YAMUX -> new PlaintextSecureChannel(k);
            };
        }

        StreamMuxer muxer() {
            return this == NOISE_MPLEX ? new Mplex() : new Yamux();
        }

        String muxerId() {
            return this == NOISE_MPLEX ? Mplex.PROTOCOL_ID : Yamux.PROTOCOL_ID;
        }

        String securityId() {
            return this == PLAINTEXT_YAMUX ? PlaintextSecureChannel.PROTOCOL_ID : NoiseSecureChannel.PROTOCOL_ID;
        }
    }

    static SwarmConfig config(PrivateKey k, Transport transport, Stack stack, Limits limits) {
        return new SwarmConfig(k, List.of(transport), List.of(stack.security(k)), List.of(stack.muxer()))
                .withLimits(limits).withDialTimeout(Duration.ofSeconds(3));
    }

    static Swarm swarm(Transport transport, Stack stack, Limits limits) {
        return new Swarm(config(Keys.generateEd25519().privateKey(), transport, stack, limits));
    }

    static Swarm memory(MemoryTransport.Network net, Stack stack) {
        return swarm(new MemoryTransport(net), stack, Limits.defaults());
    }

    static Swarm tcp(Stack stack, Limits limits) {
        return swarm(new TcpTransport(), stack, limits);
    }

    static Multiaddr listenMemory(Swarm s) throws IOException {
        return s.listen(Multiaddr.parse("/memory/0"));
    }

    static Multiaddr listenTcp(Swarm s) throws IOException {
        return s.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
    }

    static Multiaddr withPeer(Multiaddr a, PeerId p) {
        return a.withPeerId(p.multihash());
    }

    /** Waits until {@code condition} holds, at most {@code timeout}; returns whether it did. */
    static boolean eventually(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        return eventually(condition, WAIT);
    }

    /** Records every event a swarm delivers, in order. */
    static final class Recorder implements Behaviour {
        final List<SwarmEvent> events = new CopyOnWriteArrayList<>();
        volatile boolean stopped;
        volatile boolean eventAfterStop;

        @Override
        public void onEvent(SwarmEvent event) {
            if (stopped) {
                eventAfterStop = true;
            }
            events.add(event);
        }

        @Override
        public void stop() {
            stopped = true;
        }

        /** Events other than LocalInfoChanged, in order. */
        List<SwarmEvent> significant() {
            return events.stream().filter(e -> !(e instanceof SwarmEvent.LocalInfoChanged)).toList();
        }

        <T extends SwarmEvent> List<T> all(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (SwarmEvent e : events) {
                if (type.isInstance(e)) {
                    out.add(type.cast(e));
                }
            }
            return out;
        }

        <T extends SwarmEvent> T await(Class<T> type, Predicate<T> p) throws InterruptedException {
            long end = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < end) {
                for (T e : all(type)) {
                    if (p.test(e)) {
                        return e;
                    }
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no " + type.getSimpleName() + " as expected among " + events);
        }

        <T extends SwarmEvent> T await(Class<T> type) throws InterruptedException {
            return await(type, e -> true);
        }
    }

    static Recorder recorder(Swarm s) {
        Recorder r = new Recorder();
        s.addBehaviour(r);
        return r;
    }

    /**
     * A hand-driven dialer: a raw connection secured with Noise (offering Yamux in the handshake, so the listener
     * starts Yamux at once) whose bytes the test writes itself, below and above the encryption.
     */
    record NoisePeer(RawConnection raw, NoiseSession noise) implements AutoCloseable {
        static NoisePeer connect(Transport transport, Multiaddr address, PeerId expected) throws IOException {
            PrivateKey k = Keys.generateEd25519().privateKey();
            RawConnection raw = transport.dial(address, Duration.ofSeconds(3));
            Multistream.select(raw, List.of(NoiseSecureChannel.PROTOCOL_ID));
            NoiseSecureChannel noise = new NoiseSecureChannel(
                    new NoiseConfig(k).withStreamMuxers(List.of(Yamux.PROTOCOL_ID)));
            return new NoisePeer(raw, noise.secureOutbound(raw, expected));
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    /** Captures what a logger logs at DEBUG (FINE) and above, for as long as it is open. */
    static final class LogCapture extends Handler implements AutoCloseable {
        private final List<Logger> loggers = new ArrayList<>();
        private final List<Level> previous = new ArrayList<>();
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final SimpleFormatter formatter = new SimpleFormatter();

        LogCapture(Class<?>... classes) {
            setLevel(Level.ALL);
            for (Class<?> c : classes) {
                Logger l = Logger.getLogger(c.getName());
                loggers.add(l);
                previous.add(l.getLevel());
                l.setLevel(Level.FINE);
                l.addHandler(this);
            }
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.FINE.intValue()) {
                messages.add(formatter.formatMessage(record));
            }
        }

        boolean contains(String fragment) {
            return messages.stream().anyMatch(m -> m.contains(fragment));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            for (int i = 0; i < loggers.size(); i++) {
                loggers.get(i).removeHandler(this);
                loggers.get(i).setLevel(previous.get(i));
            }
        }
    }
}
