package org.jlibp2p.testkit;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.ConnectionHandler;
import org.jlibp2p.core.swarm.HandlerContext;
import org.jlibp2p.core.swarm.SwarmEvent;

/**
 * Counts what a swarm tells a behaviour about each connection and checks the promises of the behaviour model as it
 * goes: ConnectionEstablished first, exactly one ConnectionClosed last, streams in between, a handler's stream only
 * after its ConnectionEstablished, everything on one thread. Serves {@value #PROTOCOL} (echo one byte; a byte of 1
 * asks the handler to close the connection from this side afterwards).
 */
final class CountingBehaviour implements Behaviour {
    static final String PROTOCOL = "/test/churn/1.0.0";

    private BehaviourContext context;
    private Thread owner;
    /** Per connection id: the kinds of events seen, in order (confined to the behaviour's thread). */
    private final Map<Long, List<String>> perConnection = new HashMap<>();
    /** Connections whose ConnectionEstablished this behaviour has seen (read by handlers). */
    private final Set<Long> announced = ConcurrentHashMap.newKeySet();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final List<WeakReference<Connection>> connections = new CopyOnWriteArrayList<>();
    final List<WeakReference<Object>> handlers = new CopyOnWriteArrayList<>();
    final AtomicInteger established = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger streams = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    volatile boolean eventAfterStop;
    /** Time each event takes, to play a behaviour slower than its swarm (it blocks, which a real one must not). */
    private final Duration slowness;

    CountingBehaviour(Duration slowness) {
        this.slowness = slowness;
    }

    CountingBehaviour() {
        this(Duration.ZERO);
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        this.owner = Thread.currentThread();
        starts.incrementAndGet();
        context.serve(PROTOCOL);
    }

    private void onOwnThread(String what) {
        if (Thread.currentThread() != owner) {
            violations.add(what + " on " + Thread.currentThread() + ", not the behaviour's thread");
        }
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext hc) {
        onOwnThread("newHandler");
        long id = hc.connection().id();
        if (perConnection.containsKey(id)) {
            violations.add("second handler for connection " + id);
        }
        ConnectionHandler h = stream -> {
            if (!announced.contains(id)) {
                violations.add("stream of connection " + id + " reached its handler before ConnectionEstablished");
            }
            streams.incrementAndGet();
            int b = stream.input().read();
            stream.output().write(b);
            stream.output().flush();
            stream.closeOutput();
            if (b == 1) {
                stream.input().read(); // wait for the dialer's end, then close from this side
                hc.connection().close();
            }
        };
        handlers.add(new WeakReference<>(h));
        return h;
    }

    @Override
    public void onEvent(SwarmEvent event) {
        onOwnThread("onEvent");
        if (!slowness.isZero()) {
            try {
                Thread.sleep(slowness);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (stops.get() > 0) {
            eventAfterStop = true;
        }
        switch (event) {
            case SwarmEvent.ConnectionEstablished e -> {
                long id = e.connection().id();
                List<String> seen = perConnection.computeIfAbsent(id, k -> new ArrayList<>());
                if (!seen.isEmpty()) {
                    violations.add("connection " + id + " established after " + seen);
                }
                seen.add("established");
                announced.add(id);
                connections.add(new WeakReference<>(e.connection()));
                established.incrementAndGet();
            }
            case SwarmEvent.InboundStream e -> {
                List<String> seen = perConnection.get(e.connection().id());
                if (seen == null || !seen.getFirst().equals("established") || seen.getLast().equals("closed")) {
                    violations.add("inbound stream of connection " + e.connection().id() + " after " + seen);
                } else if (seen.size() < 3) {
                    seen.add("stream");
                }
            }
            case SwarmEvent.ConnectionClosed e -> {
                long id = e.connection().id();
                List<String> seen = perConnection.remove(id);
                if (seen == null || !seen.getFirst().equals("established")) {
                    violations.add("connection " + id + " closed without being established: " + seen);
                }
                announced.remove(id);
                closed.incrementAndGet();
            }
            default -> { }
        }
    }

    /** Connections established and not closed yet, as this behaviour counts. */
    int open() {
        return established.get() - closed.get();
    }

    @Override
    public void stop() {
        onOwnThread("stop");
        stops.incrementAndGet();
        if (!perConnection.isEmpty()) {
            violations.add("stopped with connections never closed: " + perConnection.keySet());
        }
    }
}
