package org.jlibp2p.core.swarm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Puts the swarm's events in one order and hands each to every behaviour and subscriber. One thread takes them from
 * a queue; a producer other than a behaviour's thread takes a permit first and waits while {@code capacity} events
 * are queued, so a slow behaviour slows the sources (accepting, dialling) instead of losing events. A behaviour's
 * own thread never waits here (it would wait on itself).
 */
final class Dispatcher {
    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

    private record Item(Object what, boolean permitted) {}

    private record AddBehaviour(BehaviourLoop loop) {}

    private record Barrier(java.util.concurrent.CountDownLatch done) {}

    private static final Object STOP = new Object();

    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Semaphore permits;
    private final List<BehaviourLoop> loops = new ArrayList<>();
    /** Connections whose ConnectionEstablished went out and whose ConnectionClosed has not: the dispatcher's own. */
    private final Set<SwarmConnection> announced = new LinkedHashSet<>();
    private final List<EventSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    Dispatcher(int capacity) {
        this.permits = new Semaphore(capacity);
    }

    /** Queues {@code event} for everyone; waits while the queue is full unless called on a behaviour's thread. */
    void publish(SwarmEvent event) {
        enqueue(event);
    }

    void addBehaviour(BehaviourLoop loop) {
        enqueue(new AddBehaviour(loop));
    }

    private void enqueue(Object what) {
        if (stopped) {
            return;
        }
        if (BehaviourLoop.onBehaviourThread()) {
            queue.add(new Item(what, false));
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    // an event must not be lost to an interrupt: wait on, and restore the flag afterwards
                    interrupted = true;
                }
                if (stopped) {
                    return;
                }
            }
            queue.add(new Item(what, true));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until every behaviour has handled every event queued before this call; false if {@code timeout}
     * passed first.
     */
    boolean awaitHandled(java.time.Duration timeout) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        enqueue(new Barrier(done));
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    EventSubscription subscribe(int capacity) {
        EventSubscription s = new EventSubscription(capacity, subscriptions::remove);
        subscriptions.add(s);
        return s;
    }

    /** Queues the end: events queued before it are still handed out, then every behaviour is stopped. */
    void stop() {
        queue.add(new Item(STOP, false));
    }

    boolean isStopped() {
        return stopped;
    }

    void run() {
        try {
            while (true) {
                Item item;
                try {
                    item = queue.take();
                } catch (InterruptedException e) {
                    break;
                }
                if (item.permitted()) {
                    permits.release();
                }
                if (item.what() == STOP) {
                    break;
                }
                try {
                    dispatch(item.what());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "dispatching " + item.what() + " failed", e);
                }
            }
        } finally {
            stopped = true;
            for (BehaviourLoop l : loops) {
                l.postStop();
            }
            queue.clear();
        }
    }

    private void dispatch(Object what) {
        switch (what) {
            case AddBehaviour(BehaviourLoop loop) -> {
                loops.add(loop);
                loop.postStart();
                for (SwarmConnection c : announced) {
                    c.expectHandlers(1);
                    loop.deliverEstablished(c, new SwarmEvent.ConnectionEstablished(c));
                }
            }
            case Barrier(java.util.concurrent.CountDownLatch done) -> {
                // done once every behaviour has run the barrier's task, queued behind all it was given before
                java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(
                        loops.size() + 1);
                Runnable arrive = () -> {
                    if (left.decrementAndGet() == 0) {
                        done.countDown();
                    }
                };
                for (BehaviourLoop l : loops) {
                    if (!l.post(arrive)) {
                        arrive.run();
                    }
                }
                arrive.run();
            }
            case SwarmEvent.ConnectionEstablished e -> {
                SwarmConnection c = (SwarmConnection) e.connection();
                announced.add(c);
                c.expectHandlers(loops.size());
                for (BehaviourLoop l : loops) {
                    l.deliverEstablished(c, e);
                }
                offer(e);
            }
            case SwarmEvent.ConnectionClosed e -> {
                SwarmConnection c = (SwarmConnection) e.connection();
                if (!announced.remove(c)) {
                    LOG.log(System.Logger.Level.WARNING, "ConnectionClosed without ConnectionEstablished: " + c);
                    return;
                }
                for (BehaviourLoop l : loops) {
                    l.deliverClosed(c, e);
                }
                offer(e);
            }
            case SwarmEvent e -> {
                for (BehaviourLoop l : loops) {
                    l.deliver(e);
                }
                offer(e);
            }
            default -> throw new IllegalStateException("unknown item " + what);
        }
    }

    private void offer(SwarmEvent e) {
        for (EventSubscription s : subscriptions) {
            s.offer(e);
        }
    }
}
