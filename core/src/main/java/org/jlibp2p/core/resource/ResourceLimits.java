package org.jlibp2p.core.resource;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The limits a {@link ResourceManager} enforces: one {@link ScopeLimit} per kind of scope, and caps on connections
 * per IP address and subnet.
 *
 * <p>The scopes, as go-libp2p's resource manager has them:
 * <ul>
 *   <li>{@code system}: the whole node.
 *   <li>{@code pending} (go calls it transient): connections until their handshake names the peer, and streams until
 *       their protocol is negotiated. Bounding it bounds what anyone can hold without proving anything.
 *   <li>{@code peer}: each remote peer, over all its connections.
 *   <li>{@code connection}: each connection (its streams and the memory its streams reserve).
 *   <li>{@code protocol}: each protocol id, over all peers.
 *   <li>{@code service}: each behaviour serving protocols, over all its protocols.
 * </ul>
 *
 * @param ipv4 caps on inbound connections (pending and established) from one IPv4 subnet, per prefix length
 * @param ipv6 the same for IPv6
 * @param allowlist subnets (CIDR, e.g. {@code 127.0.0.0/8}) exempt from the IP caps
 */
public record ResourceLimits(ScopeLimit system, ScopeLimit pending, ScopeLimit peer, ScopeLimit connection,
        ScopeLimit protocol, ScopeLimit service, List<PrefixLimit> ipv4, List<PrefixLimit> ipv6,
        List<String> allowlist) {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    /** At most {@code connections} inbound connections from each subnet of {@code prefixLength} bits. */
    public record PrefixLimit(int prefixLength, int connections) {
        public PrefixLimit {
            if (prefixLength < 0 || prefixLength > 128 || connections < 0) {
                throw new IllegalArgumentException("bad prefix limit /" + prefixLength + ": " + connections);
            }
        }
    }

    /** The kinds of scope, for {@link #with}. */
    public enum Kind { SYSTEM, PENDING, PEER, CONNECTION, PROTOCOL, SERVICE }

    public ResourceLimits {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(service, "service");
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
        allowlist = List.copyOf(allowlist);
        for (PrefixLimit p : ipv4) {
            if (p.prefixLength() > 32) {
                throw new IllegalArgumentException("an IPv4 prefix is at most 32 bits: /" + p.prefixLength());
            }
        }
        for (String cidr : allowlist) {
            Subnet.parse(cidr); // fails early on a bad entry
        }
    }

    /** Limits scaled to this JVM: its maximum heap and the process's open-file limit. */
    public static ResourceLimits defaults() {
        return scaled(Runtime.getRuntime().maxMemory(), openFileLimit());
    }

    /**
     * The default limits for a node with {@code heapBytes} of heap and {@code fileDescriptors} open files allowed.
     *
     * <p>Memory: handlers may reserve an eighth of the heap in total (the muxers' receive buffers are bounded apart,
     * by their own budget of a quarter of the heap), 16 MiB per connection, 32 MiB per peer. Sockets: half the
     * open-file limit, so that the node keeps descriptors for its files. Connections and streams grow with the heap
     * from go-libp2p's base values (per GiB: 64 more inbound connections, 128 outbound, 1024 inbound streams); each
     * direction has its own cap under the total, so a flood of inbound connections never stops the node dialling out.
     * Until the handshake, a connection counts against the small pending scope and against its IP: 8 per IPv4
     * address, 128 per IPv4 /16, 8 per IPv6 /64, 64 per IPv6 /48, as go-libp2p's defaults (loopback exempt).
     */
    public static ResourceLimits scaled(long heapBytes, long fileDescriptors) {
        double g = Math.max(0.25, (double) heapBytes / GIB);
        int fds = (int) Math.max(64, Math.min(Integer.MAX_VALUE, fileDescriptors / 2));
        ScopeLimit system = new ScopeLimit(n(64, 64, g), n(128, 128, g), n(128, 128, g), n(1024, 1024, g),
                n(2048, 2048, g), n(2048, 2048, g), Math.max(16 * MIB, heapBytes / 8), fds);
        ScopeLimit pending = new ScopeLimit(n(32, 16, g), n(64, 32, g), n(64, 32, g), n(128, 64, g), n(256, 128, g),
                n(256, 128, g), Math.max(4 * MIB, heapBytes / 32), Math.max(16, fds / 4));
        ScopeLimit peer = new ScopeLimit(8, 8, 8, 256, 512, 512, 32 * MIB, ScopeLimit.UNLIMITED);
        ScopeLimit connection = new ScopeLimit(1, 1, 1, 256, 512, 512, 16 * MIB, 1);
        ScopeLimit protocol = new ScopeLimit(ScopeLimit.UNLIMITED, ScopeLimit.UNLIMITED, ScopeLimit.UNLIMITED,
                n(512, 512, g), n(2048, 2048, g), n(2048, 2048, g), Math.max(8 * MIB, heapBytes / 16),
                ScopeLimit.UNLIMITED);
        return new ResourceLimits(system, pending, peer, connection, protocol, ScopeLimit.NONE,
                List.of(new PrefixLimit(32, 8), new PrefixLimit(16, 128)),
                List.of(new PrefixLimit(64, 8), new PrefixLimit(48, 64)),
                List.of("127.0.0.0/8", "::1/128"));
    }

    /** No limit at all: for benchmarks and tests that measure something else. */
    public static ResourceLimits unlimited() {
        return new ResourceLimits(ScopeLimit.NONE, ScopeLimit.NONE, ScopeLimit.NONE, ScopeLimit.NONE,
                ScopeLimit.NONE, ScopeLimit.NONE, List.of(), List.of(), List.of());
    }

    private static int n(int base, int perGib, double gib) {
        return (int) Math.min(Integer.MAX_VALUE, base + Math.round(perGib * gib));
    }

    /** The process's open-file limit, or 4096 when the platform does not tell. */
    public static long openFileLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
            long max = u.getMaxFileDescriptorCount();
            if (max > 0) {
                return max;
            }
        }
        return 4096;
    }

    public ScopeLimit limit(Kind kind) {
        return switch (kind) {
            case SYSTEM -> system;
            case PENDING -> pending;
            case PEER -> peer;
            case CONNECTION -> connection;
            case PROTOCOL -> protocol;
            case SERVICE -> service;
        };
    }

    /** The same with the limit of {@code kind} changed by {@code change}. */
    public ResourceLimits with(Kind kind, UnaryOperator<ScopeLimit> change) {
        ScopeLimit l = Objects.requireNonNull(change.apply(limit(kind)));
        return new ResourceLimits(kind == Kind.SYSTEM ? l : system, kind == Kind.PENDING ? l : pending,
                kind == Kind.PEER ? l : peer, kind == Kind.CONNECTION ? l : connection,
                kind == Kind.PROTOCOL ? l : protocol, kind == Kind.SERVICE ? l : service, ipv4, ipv6, allowlist);
    }

    public ResourceLimits withIpLimits(List<PrefixLimit> v4, List<PrefixLimit> v6) {
        return new ResourceLimits(system, pending, peer, connection, protocol, service, v4, v6, allowlist);
    }

    /** The same with {@code subnets} (CIDR) exempt from the IP caps instead of the current allowlist. */
    public ResourceLimits withAllowlist(List<String> subnets) {
        return new ResourceLimits(system, pending, peer, connection, protocol, service, ipv4, ipv6, subnets);
    }
}
