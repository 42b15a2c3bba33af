package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.resource.ConnectionScope;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.core.util.Closeables;

/**
 * Dials for a {@link Swarm}: one dial per peer at a time (later callers wait for it); the addresses of the peer are
 * tried in turn, loopback and private ones first, each started a moment after the one before (longer if that one
 * has connected and is upgrading; see {@link #dialAddresses}); the first to finish its upgrade wins. Relayed
 * addresses ({@code /p2p-circuit}) come last, and no sooner than {@link SwarmConfig#relayDialDelay()} after the dial
 * began when the peer has direct ones too (at once when every direct one failed), as go-libp2p ranks them, so that a
 * peer reachable directly is not reached through a relay.
 */
final class Dialer {
    private static final System.Logger LOG = System.getLogger(Dialer.class.getName());

    private final Swarm swarm;
    private final SwarmConfig config;
    private final Map<PeerId, CompletableFuture<Connection>> pending = new ConcurrentHashMap<>();

    Dialer(Swarm swarm) {
        this.swarm = swarm;
        this.config = swarm.config();
    }

    Connection dial(PeerId peer, Collection<Multiaddr> addresses) throws IOException {
        BehaviourLoop.refuseBlockingCall("dial");
        if (peer.equals(swarm.localPeer())) {
            throw new DialException("refusing to dial self");
        }
        if (!addresses.isEmpty()) {
            swarm.peerstore().addAddresses(peer, addresses);
        }
        // A relayed connection does for a dial by peer id; a caller naming direct addresses wants one of those.
        boolean wantsDirect = addresses.stream().anyMatch(a -> !isRelayed(a));
        Optional<Connection> existing = swarm.connection(peer);
        if (existing.isPresent() && !(wantsDirect && existing.get().limited())) {
            return existing.get();
        }
        CompletableFuture<Connection> mine = new CompletableFuture<>();
        // Join the dial under way, if any; one that its own caller abandoned (interrupted) is not this caller's
        // failure: then dial anew (a few times at most, should callers keep abandoning theirs).
        for (int attempt = 0; ; attempt++) {
            CompletableFuture<Connection> other = pending.putIfAbsent(peer, mine);
            if (other == null) {
                break;
            }
            try {
                return await(other);
            } catch (DialException e) {
                if (!(e.getCause() instanceof InterruptedIOException) || attempt >= 3) {
                    throw e;
                }
                pending.remove(peer, other);
            }
        }
        try {
            // A dial that finished between the first look and putIfAbsent left its connection behind.
            Optional<Connection> raced = swarm.connection(peer);
            if (raced.isPresent() && !(wantsDirect && raced.get().limited())) {
                mine.complete(raced.get());
                return raced.get();
            }
            List<Multiaddr> known = swarm.peerstore().addresses(peer);
            Connection c = dialAddresses(Optional.of(peer), wantsDirect && raced.isPresent()
                    ? known.stream().filter(a -> !isRelayed(a)).toList() : known);
            mine.complete(c);
            return c;
        } catch (DialException e) {
            mine.completeExceptionally(e);
            swarm.publish(new SwarmEvent.DialFailed(Optional.of(peer), e));
            throw e;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            swarm.publish(new SwarmEvent.DialFailed(Optional.of(peer),
                    new DialException(String.valueOf(e.getMessage()), e)));
            throw e;
        } finally {
            pending.remove(peer, mine);
        }
    }

    Connection dial(Multiaddr address) throws IOException {
        Optional<PeerId> peer = peerIdOf(address);
        if (peer.isPresent()) {
            return dial(peer.get(), List.of(address));
        }
        BehaviourLoop.refuseBlockingCall("dial");
        try {
            return dialAddresses(Optional.empty(), List.of(address));
        } catch (DialException e) {
            swarm.publish(new SwarmEvent.DialFailed(Optional.empty(), e));
            throw e;
        } catch (IOException e) {
            swarm.publish(new SwarmEvent.DialFailed(Optional.empty(), new DialException(e.getMessage(), e)));
            throw e;
        }
    }

    private static Multiaddr relayed(Multiaddr address, Optional<PeerId> peer) {
        Multiaddr bare = address.withoutPeerId();
        if (!isRelayed(address)) {
            return bare;
        }
        return peer.map(p -> bare.withPeerId(p.multihash())).orElse(address);
    }

    static boolean isRelayed(Multiaddr address) {
        return address.component(org.jlibp2p.core.multiaddr.Protocol.P2P_CIRCUIT).isPresent();
    }

    private static Optional<PeerId> peerIdOf(Multiaddr address) throws IOException {
        var mh = address.peerIdMultihash();
        if (mh.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(PeerId.fromBytes(mh.get().bytes()));
    }

    /** What a dial attempt reports to the dial it belongs to. */
    private sealed interface Attempt {
        /** Its transport connected: the upgrade is under way. */
        record Connected(int index, RawConnection raw) implements Attempt {}

        record Won(int index, Connection connection) implements Attempt {}

        record Failed(int index, DialException error) implements Attempt {}
    }

    /** How soon the next address is tried while an attempt at a loopback or private address has not connected. */
    static final Duration LOCAL_STAGGER = Duration.ofMillis(50);
    /** How soon the next address is tried while an attempt at any other address has not connected. */
    static final Duration STAGGER = Duration.ofMillis(250);
    /** How long an attempt whose transport connected has to finish its upgrade before the next address starts. */
    static final Duration UPGRADE_GRACE = Duration.ofSeconds(2);

    /**
     * The order addresses are tried in: loopback, then private (site- and link-local, IPv6 unique local), then the
     * others, relayed addresses last; the peerstore's order within each.
     */
    static int rank(Multiaddr a) {
        if (isRelayed(a)) {
            return 3;
        }
        Optional<java.net.InetAddress> ip = org.jlibp2p.core.multiaddr.SocketAddresses.toInetSocketAddress(a)
                .map(java.net.InetSocketAddress::getAddress);
        if (ip.isEmpty()) {
            return 2;
        }
        java.net.InetAddress addr = ip.get();
        if (addr.isLoopbackAddress()) {
            return 0;
        }
        byte[] b = addr.getAddress();
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        return addr.isSiteLocalAddress() || addr.isLinkLocalAddress() || uniqueLocal ? 1 : 2;
    }

    private Connection dialAddresses(Optional<PeerId> peer, List<Multiaddr> addresses) throws IOException {
        // A relayed address names the peer behind the relay: it keeps its /p2p/<peer> for the relay transport.
        List<Multiaddr> candidates = addresses.stream().map(a -> relayed(a, peer))
                .filter(a -> config.transports().stream().anyMatch(t -> t.canDial(a))).distinct()
                .sorted(java.util.Comparator.comparingInt(Dialer::rank)).toList();
        String who = peer.map(PeerId::toString).orElse("an unknown peer");
        if (candidates.isEmpty()) {
            throw new DialException("no dialable address for " + who + " among " + addresses);
        }
        // The addresses are tried in rank order, one after the other: the next one starts when every attempt so
        // far has failed, when one failed, or a moment after the last one started (LOCAL_STAGGER, STAGGER), or
        // UPGRADE_GRACE after an attempt's transport connected: an address that answers gets time to finish its
        // upgrade before others race it and get abandoned half way through their handshakes (which the remote
        // sees reset). The first upgrade to finish wins; the attempts still running are cancelled (interrupted),
        // and one that completes its upgrade anyway closes what it built.
        AtomicBoolean won = new AtomicBoolean();
        java.util.concurrent.BlockingQueue<Attempt> reports = new java.util.concurrent.LinkedBlockingQueue<>();
        List<DialException> failures = new ArrayList<>();
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        boolean anyDirect = candidates.stream().anyMatch(a -> !isRelayed(a));
        Duration relayDelay = anyDirect ? config.relayDialDelay() : Duration.ZERO;
        Duration budget = config.dialTimeout().plus(config.limits().handshakeTimeout());
        long began = System.nanoTime();
        long end = began + budget.plus(relayDelay).toNanos();
        // Relayed addresses, ranked last, start no sooner than this unless every attempt before them failed.
        long relaysFrom = began + relayDelay.toNanos();
        try (ExecutorService exec = Executors.newThreadPerTaskExecutor(swarm.tasks())) {
            int next = 0;
            int active = 0;
            long nextAt = 0;
            RawConnection[] upgrading = new RawConnection[candidates.size()];
            int winner = -1;
            try {
                while (true) {
                    long now = System.nanoTime();
                    long startAt = next < candidates.size() && isRelayed(candidates.get(next))
                            ? Math.max(nextAt, relaysFrom) : nextAt;
                    if (next < candidates.size() && (active == 0 || now - startAt >= 0)) {
                        Multiaddr a = candidates.get(next);
                        int index = next++;
                        running.add(exec.submit(() -> {
                            try {
                                reports.add(new Attempt.Won(index, dialOne(peer, a, won,
                                        raw -> reports.add(new Attempt.Connected(index, raw)))));
                            } catch (DialException e) {
                                reports.add(new Attempt.Failed(index, e));
                            } catch (IOException | RuntimeException e) {
                                reports.add(new Attempt.Failed(index,
                                        new DialException(a + ": " + e.getMessage(), e)));
                            }
                        }));
                        active++;
                        nextAt = now + (rank(a) <= 1 ? LOCAL_STAGGER : STAGGER).toNanos();
                        continue;
                    }
                    long wait = end - now;
                    if (wait <= 0) {
                        throw new DialException("dial to " + who + " timed out", new SocketTimeoutException(
                                "no address of " + who + " connected within " + budget));
                    }
                    if (next < candidates.size()) {
                        wait = Math.min(wait, startAt - now);
                    }
                    Attempt r = reports.poll(Math.max(wait, 0), TimeUnit.NANOSECONDS);
                    switch (r) {
                        case null -> { }
                        case Attempt.Connected c -> {
                            upgrading[c.index()] = c.raw();
                            nextAt = Math.max(nextAt, System.nanoTime() + UPGRADE_GRACE.toNanos());
                        }
                        case Attempt.Won w -> {
                            winner = w.index();
                            return w.connection();
                        }
                        case Attempt.Failed f -> {
                            failures.add(f.error());
                            active--;
                            nextAt = System.nanoTime();
                            if (active == 0 && next >= candidates.size()) {
                                throw failed(who, failures);
                            }
                        }
                    }
                }
            } finally {
                // The others are abandoned: interrupted, and those upgrading have their connection closed under
                // them, which ends a handshake whatever it is blocked in.
                for (java.util.concurrent.Future<?> f : running) {
                    f.cancel(true);
                }
                for (Attempt r : reports) {
                    if (r instanceof Attempt.Connected c) {
                        upgrading[c.index()] = c.raw();
                    }
                }
                for (int i = 0; i < upgrading.length; i++) {
                    if (i != winner && upgrading[i] != null) {
                        Closeables.closeQuietly(upgrading[i]);
                    }
                }
            }
        } catch (RejectedExecutionException e) {
            throw new DialException("cannot dial " + who + ": the swarm is closing");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while dialling " + who);
        }
    }

    private static DialException failed(String who, List<DialException> failures) {
        StringBuilder sb = new StringBuilder("dial to " + who + " failed:");
        for (IOException f : failures) {
            sb.append(' ').append(f.getMessage()).append(';');
        }
        DialException first = failures.getFirst();
        DialException d = new DialException(sb.toString(), first.getCause() != null ? first.getCause() : first);
        failures.stream().skip(1).forEach(d::addSuppressed);
        return d;
    }

    private Connection dialOne(Optional<PeerId> peer, Multiaddr address, AtomicBoolean won,
            java.util.function.Consumer<RawConnection> connected) throws IOException {
        Transport transport = config.transports().stream().filter(t -> t.canDial(address)).findFirst()
                .orElseThrow(() -> new DialException("no transport for " + address));
        ConnectionScope scope;
        try {
            scope = swarm.resources().openConnection(Direction.OUTBOUND, address, true);
        } catch (LimitExceededException e) {
            throw new DialException("cannot dial " + address + ": " + e.getMessage(), e);
        }
        try {
            return dialOne(peer, address, transport, scope, won, connected);
        } catch (IOException | RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    private Connection dialOne(Optional<PeerId> peer, Multiaddr address, Transport transport, ConnectionScope scope,
            AtomicBoolean won, java.util.function.Consumer<RawConnection> connected) throws IOException {
        RawConnection raw;
        try {
            raw = transport.dial(address, config.dialTimeout());
        } catch (IOException e) {
            throw new DialException(address + ": " + e.getMessage(), e);
        }
        connected.accept(raw);
        Upgrader.Upgraded up;
        try {
            up = swarm.withDeadline(raw, () -> swarm.upgrader().outbound(raw, peer));
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(raw);
            if (e instanceof PeerIdMismatchException && peer.isPresent()) {
                // The address belongs to someone else: forget it for this peer.
                swarm.peerstore().removeAddress(peer.get(), address);
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "dial of " + address + " failed: " + e);
            throw new DialException(address + ": " + e.getMessage(), e);
        }
        if (!won.compareAndSet(false, true)) {
            Closeables.closeQuietly(up.session());
            throw new DialException(address + ": another address connected first");
        }
        try {
            return swarm.register(up, raw, Direction.OUTBOUND, scope);
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(up.session());
            throw new DialException(address + ": " + e.getMessage(), e);
        }
    }

    private static Connection await(CompletableFuture<Connection> future) throws IOException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new DialException(io.getMessage(), io);
            }
            throw new DialException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a dial");
        }
    }
}
