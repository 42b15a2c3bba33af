package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.resource.ConnectionScope;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;
import org.jlibp2p.core.util.Closeables;

/**
 * Dials for a {@link Swarm}: one dial per peer at a time (later callers wait for it), every direct address of the
 * peer tried at once, the first to finish its upgrade wins; relayed addresses ({@code /p2p-circuit}) join only after
 * {@link SwarmConfig#relayDialDelay()} when the peer has direct ones too (at once when it has none, or when every
 * direct one failed first), as go-libp2p ranks them, so that a peer reachable directly is not reached through a relay
 * by a dial that happened to finish first. Whatever is still running when one attempt wins is interrupted.
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
        if (address.component(Protocol.P2P_CIRCUIT).isEmpty()) {
            return bare;
        }
        return peer.map(p -> bare.withPeerId(p.multihash())).orElse(address);
    }

    private static Optional<PeerId> peerIdOf(Multiaddr address) throws IOException {
        var mh = address.peerIdMultihash();
        if (mh.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(PeerId.fromBytes(mh.get().bytes()));
    }

    private Connection dialAddresses(Optional<PeerId> peer, List<Multiaddr> addresses) throws IOException {
        // A relayed address names the peer behind the relay: it keeps its /p2p/<peer> for the relay transport.
        List<Multiaddr> candidates = addresses.stream().map(a -> relayed(a, peer))
                .filter(a -> config.transports().stream().anyMatch(t -> t.canDial(a))).distinct().toList();
        String who = peer.map(PeerId::toString).orElse("an unknown peer");
        if (candidates.isEmpty()) {
            throw new DialException("no dialable address for " + who + " among " + addresses);
        }
        List<Multiaddr> direct = candidates.stream().filter(a -> !isRelayed(a)).toList();
        List<Multiaddr> viaRelay = candidates.stream().filter(Dialer::isRelayed).toList();
        Duration delay = direct.isEmpty() || viaRelay.isEmpty() ? Duration.ZERO : config.relayDialDelay();
        Duration budget = config.dialTimeout().plus(config.limits().handshakeTimeout());
        Race race = new Race(peer, candidates.size(), direct.size());
        try {
            long deadline = System.nanoTime() + budget.plus(delay).toNanos();
            if (delay.isZero()) {
                race.start(candidates);
            } else {
                race.start(direct);
                // The relays wait until the delay passes or every direct address failed; not at all past a winner.
                race.awaitDirect(delay);
                if (!race.result.isDone()) {
                    race.start(viaRelay);
                }
            }
            return race.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw race.failure(who, e.getCause());
        } catch (TimeoutException e) {
            throw new DialException("dial to " + who + " timed out", new SocketTimeoutException(
                    "no address of " + who + " connected within " + budget));
        } catch (RejectedExecutionException e) {
            throw new DialException("cannot dial " + who + ": the swarm is closing");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while dialling " + who);
        } finally {
            race.cancel();
        }
    }

    static boolean isRelayed(Multiaddr address) {
        return address.component(Protocol.P2P_CIRCUIT).isPresent();
    }

    /**
     * The attempts of one dial: each address on a thread of its own, the first to finish its upgrade completes
     * {@link #result}, the last to fail fails it; {@link #cancel} interrupts those still running, and an attempt that
     * completes its upgrade after the winner closes what it built.
     */
    private final class Race {
        final CompletableFuture<Connection> result = new CompletableFuture<>();
        private final CompletableFuture<Void> directDone = new CompletableFuture<>();
        private final Optional<PeerId> peer;
        private final AtomicBoolean won = new AtomicBoolean();
        private final List<DialException> failures = new CopyOnWriteArrayList<>();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();
        private final AtomicInteger left;
        private final AtomicInteger directLeft;

        Race(Optional<PeerId> peer, int attempts, int directAttempts) {
            this.peer = peer;
            this.left = new AtomicInteger(attempts);
            this.directLeft = new AtomicInteger(directAttempts);
        }

        void start(List<Multiaddr> addresses) {
            for (Multiaddr a : addresses) {
                threads.add(swarm.tasks().start("dial-" + a, () -> attempt(a)));
            }
        }

        private void attempt(Multiaddr a) {
            try {
                result.complete(dialOne(peer, a, won));
            } catch (DialException e) {
                failures.add(e);
            } catch (IOException | RuntimeException e) {
                failures.add(new DialException(a + ": " + e.getMessage(), e));
            } finally {
                if (!isRelayed(a) && directLeft.decrementAndGet() == 0) {
                    directDone.complete(null);
                }
                if (left.decrementAndGet() == 0) {
                    result.completeExceptionally(new DialException("every address failed"));
                }
            }
        }

        /** Waits up to {@code delay} for a direct address to connect or for all of them to fail. */
        void awaitDirect(Duration delay) throws InterruptedException {
            try {
                CompletableFuture.anyOf(result, directDone).get(delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the result speaks for itself; past the delay the relays are dialled
            }
        }

        void cancel() {
            threads.forEach(Thread::interrupt);
        }

        DialException failure(String who, Throwable cause) {
            StringBuilder sb = new StringBuilder("dial to " + who + " failed:");
            for (IOException f : failures) {
                sb.append(' ').append(f.getMessage()).append(';');
            }
            if (failures.isEmpty()) {
                return new DialException(sb.toString(), cause);
            }
            DialException first = failures.getFirst();
            DialException d = new DialException(sb.toString(), first.getCause() != null ? first.getCause() : first);
            failures.stream().skip(1).forEach(d::addSuppressed);
            return d;
        }
    }

    private Connection dialOne(Optional<PeerId> peer, Multiaddr address, AtomicBoolean won) throws IOException {
        Transport transport = config.transports().stream().filter(t -> t.canDial(address)).findFirst()
                .orElseThrow(() -> new DialException("no transport for " + address));
        ConnectionScope scope;
        try {
            scope = swarm.resources().openConnection(Direction.OUTBOUND, address, true);
        } catch (LimitExceededException e) {
            throw new DialException("cannot dial " + address + ": " + e.getMessage(), e);
        }
        try {
            return dialOne(peer, address, transport, scope, won);
        } catch (IOException | RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    private Connection dialOne(Optional<PeerId> peer, Multiaddr address, Transport transport, ConnectionScope scope,
            AtomicBoolean won) throws IOException {
        RawConnection raw;
        try {
            raw = transport.dial(address, config.dialTimeout());
        } catch (IOException e) {
            throw new DialException(address + ": " + e.getMessage(), e);
        }
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
