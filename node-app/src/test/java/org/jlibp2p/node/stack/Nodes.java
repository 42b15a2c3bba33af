package org.jlibp2p.node.stack;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.security.noise.NoiseConfig;
import org.jlibp2p.security.noise.NoiseSecureChannel;
import org.jlibp2p.security.noise.NoiseSession;
import org.jlibp2p.testkit.Signal;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.time.SystemScheduler;
import org.jlibp2p.core.util.TaskGroup;
import org.jlibp2p.muxer.yamux.YamuxSession;

/** What the node-app stack tests need beyond the testkit: a hand-driven Noise dialer and log capture. */
final class Nodes {
    private Nodes() {}

    static final Duration WAIT = Duration.ofSeconds(5);

    /** The time and threads of the Yamux sessions tests drive by hand (one set for all of them). */
    private static final SystemScheduler SCHEDULER = new SystemScheduler("test-yamux-timer");
    private static final TaskGroup THREADS = new TaskGroup("test-yamux");

    /** A Yamux session the test drives by hand over {@code connection}. */
    static YamuxSession yamux(Duplex connection, boolean initiator) throws IOException {
        return new Yamux().start(connection, initiator, SCHEDULER, THREADS);
    }

    /**
     * Waits until {@code condition} holds, at most {@code timeout}; returns whether it did. Prefer a recorder's
     * {@link org.jlibp2p.testkit.EventRecorder#until}, which wakes on the swarm's events; this one re-checks
     * periodically, for conditions no event announces (a remote's state, a socket).
     */
    static boolean eventually(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        return new Signal().await(condition, timeout);
    }

    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        return eventually(condition, WAIT);
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
