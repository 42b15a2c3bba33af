package org.jlibp2p.core.resource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.resource.ResourceLimits.Kind;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.swarm.LimitExceededException;
import org.jlibp2p.core.time.Scheduler;

/**
 * Accounts for what connections and streams hold (the connections and streams themselves, sockets, memory) in a
 * tree of scopes, and refuses whatever would take any scope past its {@link ScopeLimit}: the node's whole
 * ({@code system}), what has not proven anything yet ({@code pending}), each peer, each connection, each protocol
 * and each service; plus caps on inbound connections per IP subnet, checked before the handshake starts.
 *
 * <p>A refusal is a {@link LimitExceededException} naming the scope and the resource, is counted, and is logged for
 * operators through a {@link RefusalLog}. Reservations are all or nothing: a refused one changes no count.
 *
 * <p>Thread-safe; every count changes under one lock, so a reservation sees a consistent tree.
 */
public final class ResourceManager {
    private final ResourceLimits limits;
    private final RefusalLog refusals;
    private final Scope system;
    private final Scope pending;
    private final Map<PeerId, Scope> peers = new HashMap<>();
    private final Map<String, Scope> protocols = new HashMap<>();
    private final Map<String, Scope> services = new HashMap<>();
    private final Map<String, Integer> subnets = new HashMap<>();
    private final List<Subnet> allowlist = new ArrayList<>();

    public ResourceManager(ResourceLimits limits, Scheduler clock) {
        this.limits = limits;
        this.refusals = new RefusalLog(clock, Duration.ofSeconds(10));
        this.system = new Scope(Kind.SYSTEM, "system", limits.system());
        this.pending = new Scope(Kind.PENDING, "pending", limits.pending());
        limits.allowlist().forEach(c -> allowlist.add(Subnet.parse(c)));
    }

    public ResourceLimits limits() {
        return limits;
    }

    /** The refusals counted so far, by reason; the swarm adds those it decides itself (failed handshakes). */
    public RefusalLog refusals() {
        return refusals;
    }

    // ---------------------------------------------------------------- scopes

    /** One node of the tree: its limit and what is held under it now. Guarded by the manager. */
    static final class Scope {
        final Kind kind;
        final String name;
        final ScopeLimit limit;
        int connectionsInbound;
        int connectionsOutbound;
        int streamsInbound;
        int streamsOutbound;
        int fileDescriptors;
        long memory;

        Scope(Kind kind, String name, ScopeLimit limit) {
            this.kind = kind;
            this.name = name;
            this.limit = limit;
        }

        /** Null if one more connection fits, else the resource that is full. */
        Refusal connectionRefusal(Direction d, boolean fd) {
            if (d == Direction.INBOUND ? connectionsInbound >= limit.connectionsInbound()
                    : connectionsOutbound >= limit.connectionsOutbound()) {
                return d == Direction.INBOUND ? new Refusal("inbound connections", limit.connectionsInbound())
                        : new Refusal("outbound connections", limit.connectionsOutbound());
            }
            if (connectionsInbound + connectionsOutbound >= limit.connections()) {
                return new Refusal("connections", limit.connections());
            }
            if (fd && fileDescriptors >= limit.fileDescriptors()) {
                return new Refusal("file descriptors", limit.fileDescriptors());
            }
            return null;
        }

        void addConnection(Direction d, boolean fd, int sign) {
            if (d == Direction.INBOUND) {
                connectionsInbound += sign;
            } else {
                connectionsOutbound += sign;
            }
            if (fd) {
                fileDescriptors += sign;
            }
        }

        Refusal streamRefusal(Direction d) {
            if (d == Direction.INBOUND ? streamsInbound >= limit.streamsInbound()
                    : streamsOutbound >= limit.streamsOutbound()) {
                return d == Direction.INBOUND ? new Refusal("inbound streams", limit.streamsInbound())
                        : new Refusal("outbound streams", limit.streamsOutbound());
            }
            if (streamsInbound + streamsOutbound >= limit.streams()) {
                return new Refusal("streams", limit.streams());
            }
            return null;
        }

        void addStream(Direction d, int sign) {
            if (d == Direction.INBOUND) {
                streamsInbound += sign;
            } else {
                streamsOutbound += sign;
            }
        }

        Refusal memoryRefusal(long n) {
            return n > limit.memory() - memory
                    ? new Refusal("memory", limit.memory() + " bytes, " + memory + " held") : null;
        }

        boolean isEmpty() {
            return connectionsInbound == 0 && connectionsOutbound == 0 && streamsInbound == 0 && streamsOutbound == 0
                    && fileDescriptors == 0 && memory == 0;
        }

        ScopeUsage usage() {
            return new ScopeUsage(connectionsInbound, connectionsOutbound, streamsInbound, streamsOutbound, memory,
                    fileDescriptors);
        }
    }

    /** A full resource of a scope: its name (e.g. "inbound streams") and its limit, for the message. */
    record Refusal(String resource, String limit) {
        Refusal(String resource, long limit) {
            this(resource, String.valueOf(limit));
        }
    }

    /** What one scope holds now. */
    public record ScopeUsage(int connectionsInbound, int connectionsOutbound, int streamsInbound,
            int streamsOutbound, long memory, int fileDescriptors) {
        @Override
        public String toString() {
            return "conns in/out " + connectionsInbound + "/" + connectionsOutbound + ", streams in/out "
                    + streamsInbound + "/" + streamsOutbound + ", memory " + memory + ", fds " + fileDescriptors;
        }
    }

    /**
     * What the node holds now: the system and pending scopes, every peer, protocol and service holding anything,
     * and the refusals so far.
     */
    public record Usage(ScopeUsage system, ScopeUsage pending, Map<String, ScopeUsage> peers,
            Map<String, ScopeUsage> protocols, Map<String, ScopeUsage> services, Map<String, Long> refusals) {}

    public synchronized Usage usage() {
        Map<String, ScopeUsage> ps = new TreeMap<>();
        peers.forEach((p, s) -> ps.put(p.toString(), s.usage()));
        Map<String, ScopeUsage> pr = new TreeMap<>();
        protocols.forEach((p, s) -> pr.put(p, s.usage()));
        Map<String, ScopeUsage> sv = new TreeMap<>();
        services.forEach((p, s) -> sv.put(p, s.usage()));
        return new Usage(system.usage(), pending.usage(), ps, pr, sv, refusals.counts());
    }

    /** What {@code peer} holds now, if anything. */
    public synchronized Optional<ScopeUsage> peerUsage(PeerId peer) {
        return Optional.ofNullable(peers.get(peer)).map(Scope::usage);
    }

    // ---------------------------------------------------------------- connections

    /**
     * Admits a new connection (before its handshake): counts it in the pending and system scopes and, inbound,
     * against its IP subnets.
     *
     * @param remote the remote's address (its IP, if any, is what the subnet caps count)
     * @param fd whether the connection holds a socket
     */
    public ConnectionScope openConnection(Direction direction, Multiaddr remote, boolean fd)
            throws LimitExceededException {
        byte[] ip = direction == Direction.INBOUND ? ipOf(remote) : null;
        List<String> keys = new ArrayList<>();
        synchronized (this) {
            if (ip != null && !allowed(ip)) {
                for (var p : ip.length == 4 ? limits.ipv4() : limits.ipv6()) {
                    String key = Subnet.key(ip, p.prefixLength());
                    if (subnets.getOrDefault(key, 0) >= p.connections()) {
                        throw refuse("ip /" + p.prefixLength() + " connections", "from " + remote,
                                "at most " + p.connections() + " connections from one /" + p.prefixLength());
                    }
                    keys.add(key);
                }
            }
            for (Scope s : List.of(pending, system)) {
                Refusal r = s.connectionRefusal(direction, fd);
                if (r != null) {
                    throw refuse(s.kind, r, "", (direction == Direction.INBOUND ? "from " : "to ") + remote);
                }
            }
            keys.forEach(k -> subnets.merge(k, 1, Integer::sum));
            pending.addConnection(direction, fd, 1);
            system.addConnection(direction, fd, 1);
        }
        return new ConnectionScope(this, direction, remote, fd, keys,
                new Scope(Kind.CONNECTION, "connection", limits.connection()));
    }

    /** Moves a connection from the pending scope to its peer's, once the handshake named the peer. */
    synchronized void assignPeer(ConnectionScope c, PeerId peer) throws LimitExceededException {
        Scope ps = peers.get(peer);
        if (ps == null) {
            ps = new Scope(Kind.PEER, "peer " + peer, limits.peer());
        }
        Refusal r = ps.connectionRefusal(c.direction, false);
        if (r != null) {
            throw refuse(Kind.PEER, r, "", c.who(peer));
        }
        peers.putIfAbsent(peer, ps);
        ps.addConnection(c.direction, false, 1);
        pending.addConnection(c.direction, c.fd, -1);
        c.peerScope = ps;
        c.peer = peer;
    }

    synchronized void closeConnection(ConnectionScope c) {
        if (c.peerScope == null) {
            pending.addConnection(c.direction, c.fd, -1);
        } else {
            c.peerScope.addConnection(c.direction, false, -1);
            dropIfEmpty(c.peerScope);
        }
        system.addConnection(c.direction, c.fd, -1);
        for (String k : c.subnetKeys) {
            subnets.computeIfPresent(k, (key, n) -> n <= 1 ? null : n - 1);
        }
    }

    // ---------------------------------------------------------------- streams

    synchronized StreamScope openStream(ConnectionScope c, Direction d) throws LimitExceededException {
        if (c.peerScope == null) {
            throw new IllegalStateException("a connection gets streams once its peer is known");
        }
        for (Scope s : List.of(c.own, c.peerScope, pending, system)) {
            Refusal r = s.streamRefusal(d);
            if (r != null) {
                throw refuse(s.kind, r, "", c.who(c.peer));
            }
        }
        for (Scope s : List.of(c.own, c.peerScope, pending, system)) {
            s.addStream(d, 1);
        }
        return new StreamScope(this, c, d);
    }

    /** Moves a stream from the pending scope to its protocol's (and its service's, when named). */
    synchronized void assignProtocol(StreamScope s, String protocol, String service) throws LimitExceededException {
        if (s.protocolScope != null) {
            throw new IllegalStateException("the stream's protocol is set already");
        }
        Scope ps = protocols.get(protocol);
        if (ps == null) {
            ps = new Scope(Kind.PROTOCOL, "protocol " + protocol, limits.protocol());
        }
        Scope ss = null;
        if (service != null) {
            ss = services.get(service);
            if (ss == null) {
                ss = new Scope(Kind.SERVICE, "service " + service, limits.service());
            }
        }
        for (Scope scope : ss == null ? List.of(ps) : List.of(ps, ss)) {
            // what the stream reserved before its protocol was known moves along with it
            Refusal r = scope.streamRefusal(s.direction);
            if (r == null) {
                r = scope.memoryRefusal(s.memory);
            }
            if (r != null) {
                throw refuse(scope.kind, r, " of " + (scope == ps ? protocol : service),
                        s.connection.who(s.connection.peer));
            }
        }
        protocols.putIfAbsent(protocol, ps);
        ps.addStream(s.direction, 1);
        ps.memory += s.memory;
        if (ss != null) {
            services.putIfAbsent(service, ss);
            ss.addStream(s.direction, 1);
            ss.memory += s.memory;
        }
        pending.addStream(s.direction, -1);
        s.protocolScope = ps;
        s.serviceScope = ss;
    }

    synchronized void closeStream(StreamScope s) {
        releaseMemory(s, s.memory);
        s.memory = 0;
        for (Scope scope : streamScopes(s)) {
            scope.addStream(s.direction, -1);
        }
        system.addStream(s.direction, -1);
        if (s.protocolScope == null) {
            pending.addStream(s.direction, -1);
        } else {
            dropIfEmpty(s.protocolScope);
            if (s.serviceScope != null) {
                dropIfEmpty(s.serviceScope);
            }
        }
        dropIfEmpty(s.connection.peerScope);
    }

    /** The scopes a stream counts in, pending aside. */
    private static List<Scope> streamScopes(StreamScope s) {
        List<Scope> out = new ArrayList<>(5);
        out.add(s.connection.own);
        out.add(s.connection.peerScope);
        if (s.protocolScope != null) {
            out.add(s.protocolScope);
        }
        if (s.serviceScope != null) {
            out.add(s.serviceScope);
        }
        return out;
    }

    // ---------------------------------------------------------------- memory

    /** The scopes a stream's memory counts in: those of the stream, and the system. */
    private List<Scope> memoryScopes(StreamScope s) {
        List<Scope> out = streamScopes(s);
        out.add(system);
        return out;
    }

    synchronized void reserveMemory(StreamScope s, long n) throws LimitExceededException {
        if (n < 0) {
            throw new IllegalArgumentException("negative reservation");
        }
        List<Scope> chain = memoryScopes(s);
        for (Scope scope : chain) {
            Refusal r = scope.memoryRefusal(n);
            if (r != null) {
                throw refuse(scope.kind, r, "", s.connection.who(s.connection.peer) + " for "
                        + (s.protocolScope == null ? "a stream" : s.protocolScope.name));
            }
        }
        for (Scope scope : chain) {
            scope.memory += n;
        }
        s.memory += n;
    }

    synchronized void releaseMemory(StreamScope s, long n) {
        long r = Math.min(n, s.memory);
        if (r <= 0) {
            return;
        }
        for (Scope scope : memoryScopes(s)) {
            scope.memory -= r;
        }
        s.memory -= r;
    }

    // ---------------------------------------------------------------- helpers

    private void dropIfEmpty(Scope s) {
        if (!s.isEmpty()) {
            return;
        }
        switch (s.kind) {
            case PEER -> peers.values().remove(s);
            case PROTOCOL -> protocols.values().remove(s);
            case SERVICE -> services.values().remove(s);
            default -> { }
        }
    }

    /** {@code qualifier} follows the limit in the message, e.g. " of /echo/1.0.0". */
    private LimitExceededException refuse(Kind kind, Refusal r, String qualifier, String who) {
        String scope = kind.name().toLowerCase(java.util.Locale.ROOT);
        return refuse(scope + " " + r.resource(), who, "the " + scope + " limit of " + r.resource() + " ("
                + r.limit() + ")" + qualifier + " is reached");
    }

    private LimitExceededException refuse(String reason, String who, String detail) {
        refusals.refused(reason, who, detail);
        return new LimitExceededException(reason, "resource limit: " + detail + " (" + who + ")");
    }

    private boolean allowed(byte[] ip) {
        for (Subnet s : allowlist) {
            if (s.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** The IP address in {@code address}, or null when it has none (memory transport, unix sockets). */
    static byte[] ipOf(Multiaddr address) {
        for (Component c : address.components()) {
            String name = c.protocol().protocolName();
            if (name.equals("ip4") || name.equals("ip6")) {
                return c.value();
            }
        }
        return null;
    }
}
