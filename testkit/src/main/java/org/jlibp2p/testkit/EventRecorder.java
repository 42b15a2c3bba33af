package org.jlibp2p.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.BehaviourEvent;
import org.jlibp2p.core.swarm.SwarmEvent;

/**
 * A behaviour that records every event its swarm delivers, in order, with the time it saw it on the node's clock,
 * and lets a test wait for one (woken by each event, no sleeps). As a behaviour it sees every event: none is lost.
 */
public final class EventRecorder implements Behaviour {
    /** One event and when the recorder saw it. */
    public record Recorded(Instant at, SwarmEvent event) {}

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    private final List<Recorded> events = new CopyOnWriteArrayList<>();
    private final Signal signal;
    private volatile BehaviourContext context;
    private volatile boolean stopped;
    private volatile boolean eventAfterStop;

    /** A recorder firing {@code signal} on every event (several recorders may share one). */
    public EventRecorder(Signal signal) {
        this.signal = signal;
    }

    public EventRecorder() {
        this(new Signal());
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
    }

    @Override
    public void onEvent(SwarmEvent event) {
        if (stopped) {
            eventAfterStop = true;
        }
        events.add(new Recorded(context.scheduler().now(), event));
        signal.fire();
    }

    @Override
    public void stop() {
        stopped = true;
        signal.fire();
    }

    public boolean stopped() {
        return stopped;
    }

    /** Whether any event arrived after {@link #stop()} (never should). */
    public boolean eventAfterStop() {
        return eventAfterStop;
    }

    public Signal signal() {
        return signal;
    }

    /** Every event so far, in order. */
    public List<SwarmEvent> events() {
        return events.stream().map(Recorded::event).toList();
    }

    public List<Recorded> recorded() {
        return List.copyOf(events);
    }

    /** Events other than LocalInfoChanged and behaviour outputs, in order. */
    public List<SwarmEvent> significant() {
        return events().stream().filter(e -> !(e instanceof SwarmEvent.LocalInfoChanged)
                && !(e instanceof SwarmEvent.Emitted) && !(e instanceof SwarmEvent.ExternalAddressCandidate)).toList();
    }

    /** Every event of {@code type}, in order. */
    public <T extends SwarmEvent> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Recorded r : events) {
            if (type.isInstance(r.event())) {
                out.add(type.cast(r.event()));
            }
        }
        return out;
    }

    /** Every behaviour output of {@code type}, in order. */
    public <T extends BehaviourEvent> List<T> emitted(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Recorded r : events) {
            if (r.event() instanceof SwarmEvent.Emitted(BehaviourEvent e) && type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    private <T> Optional<T> first(List<T> list, Predicate<T> p) {
        return list.stream().filter(p).findFirst();
    }

    /** The first event of {@code type} matching {@code p}, waiting for it at most {@code timeout}. */
    public <T extends SwarmEvent> T await(Class<T> type, Predicate<T> p, Duration timeout) throws InterruptedException {
        if (!signal.await(() -> first(all(type), p).isPresent(), timeout)) {
            throw new AssertionError("no " + type.getSimpleName() + " as expected within " + timeout + " among "
                    + events());
        }
        return first(all(type), p).orElseThrow();
    }

    public <T extends SwarmEvent> T await(Class<T> type, Predicate<T> p) throws InterruptedException {
        return await(type, p, DEFAULT_WAIT);
    }

    public <T extends SwarmEvent> T await(Class<T> type) throws InterruptedException {
        return await(type, e -> true);
    }

    /** The first behaviour output of {@code type} matching {@code p}, waiting for it. */
    public <T extends BehaviourEvent> T awaitEmitted(Class<T> type, Predicate<T> p, Duration timeout)
            throws InterruptedException {
        if (!signal.await(() -> first(emitted(type), p).isPresent(), timeout)) {
            throw new AssertionError("no " + type.getSimpleName() + " as expected within " + timeout + " among "
                    + events());
        }
        return first(emitted(type), p).orElseThrow();
    }

    public <T extends BehaviourEvent> T awaitEmitted(Class<T> type, Predicate<T> p) throws InterruptedException {
        return awaitEmitted(type, p, DEFAULT_WAIT);
    }

    /** Waits until {@code condition} holds, re-checked on every event; false when {@code timeout} passed first. */
    public boolean until(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        return signal.await(condition, timeout);
    }

    public boolean until(BooleanSupplier condition) throws InterruptedException {
        return until(condition, DEFAULT_WAIT);
    }
}
