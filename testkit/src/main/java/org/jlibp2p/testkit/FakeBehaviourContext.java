package org.jlibp2p.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.BehaviourEvent;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.Peerstore;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.time.Cancellable;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.core.util.IoRunnable;

/**
 * A behaviour's context in a unit test, with no swarm and no transport: the test's thread plays the behaviour's
 * thread. Everything the behaviour asks for is recorded for the test to check (protocols served, dials, emitted
 * events, external address candidates, spawned tasks); timers run on a {@link ManualScheduler} when the test
 * advances it; the node's addresses and connections are what the test sets.
 */
public final class FakeBehaviourContext implements BehaviourContext {
    private final PrivateKey identity;
    private final ManualScheduler scheduler;
    private final Peerstore peerstore = new Peerstore();
    private final Set<String> served = new TreeSet<>();
    private final List<Multiaddr> listenAddresses = new CopyOnWriteArrayList<>();
    private final List<Multiaddr> externalAddresses = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<BehaviourEvent> emitted = new CopyOnWriteArrayList<>();
    private final List<Multiaddr> candidates = new CopyOnWriteArrayList<>();
    private final List<PeerId> dials = new CopyOnWriteArrayList<>();
    private final List<PeerId> disconnects = new CopyOnWriteArrayList<>();
    private final SpawnedTasks spawned = new SpawnedTasks();

    public FakeBehaviourContext(PrivateKey identity, ManualScheduler scheduler) {
        this.identity = identity;
        this.scheduler = scheduler;
    }

    @Override
    public PeerId localPeer() {
        return PeerId.fromPublicKey(identity.publicKey());
    }

    @Override
    public PrivateKey identity() {
        return identity;
    }

    @Override
    public Peerstore peerstore() {
        return peerstore;
    }

    @Override
    public ManualScheduler scheduler() {
        return scheduler;
    }

    @Override
    public List<Multiaddr> listenAddresses() {
        return List.copyOf(listenAddresses);
    }

    /** Sets what {@link #listenAddresses()} answers. */
    public void setListenAddresses(List<Multiaddr> addrs) {
        listenAddresses.clear();
        listenAddresses.addAll(addrs);
    }

    @Override
    public List<Multiaddr> externalAddresses() {
        return List.copyOf(externalAddresses);
    }

    @Override
    public synchronized Set<String> protocols() {
        return new TreeSet<>(served);
    }

    @Override
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Adds a connection to what {@link #connections()} answers. */
    public void addConnection(Connection c) {
        connections.add(c);
    }

    @Override
    public synchronized void serve(String protocol) {
        if (!served.add(protocol)) {
            throw new IllegalStateException(protocol + " is served already");
        }
    }

    @Override
    public synchronized void stopServing(String protocol) {
        served.remove(protocol);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        return scheduler.schedule(delay, task);
    }

    @Override
    public Cancellable every(Duration period, Runnable task) {
        return scheduler.every(period, task);
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public <T> T call(Supplier<T> query) {
        return query.get();
    }

    @Override
    public void spawn(String name, IoRunnable task) {
        spawned.add(name, task);
    }

    /** Names of the tasks spawned and not run yet. */
    public List<String> pendingTasks() {
        return spawned.names();
    }

    /** Runs the spawned tasks on the calling thread, in order; returns how many ran. */
    public int runSpawned() throws IOException {
        return spawned.runAll();
    }

    @Override
    public void dial(PeerId peer, Collection<Multiaddr> addresses) {
        peerstore.addAddresses(peer, addresses);
        dials.add(peer);
    }

    @Override
    public Stream openStream(PeerId peer, List<String> protocols) throws IOException {
        throw new IOException("no network in a fake context");
    }

    @Override
    public void disconnect(PeerId peer) {
        disconnects.add(peer);
    }

    @Override
    public void emit(BehaviourEvent event) {
        emitted.add(event);
    }

    @Override
    public void addExternalAddressCandidate(Multiaddr address) {
        candidates.add(address);
    }

    @Override
    public void confirmExternalAddress(Multiaddr address) {
        if (!externalAddresses.contains(address)) {
            externalAddresses.add(address);
        }
    }

    @Override
    public void removeExternalAddress(Multiaddr address) {
        externalAddresses.remove(address);
    }

    /** The protocols served, sorted. */
    public synchronized Set<String> served() {
        return new TreeSet<>(served);
    }

    /** Events emitted so far, in order. */
    public List<BehaviourEvent> emitted() {
        return List.copyOf(emitted);
    }

    /** Emitted events of {@code type}, in order. */
    public <T extends BehaviourEvent> List<T> emitted(Class<T> type) {
        return emitted.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public List<Multiaddr> externalAddressCandidates() {
        return List.copyOf(candidates);
    }

    public List<PeerId> dials() {
        return List.copyOf(dials);
    }

    public List<PeerId> disconnects() {
        return List.copyOf(disconnects);
    }
}
