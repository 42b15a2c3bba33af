package org.jlibp2p.mdns;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.BehaviourContext;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.mdns.internal.DnsMessage;
import org.jlibp2p.mdns.internal.MdnsState;

/**
 * mDNS discovery (libp2p/specs {@code discovery/mdns.md}) on 224.0.0.251 and ff02::fb, port 5353: the node asks at
 * start and every {@link MdnsConfig#queryInterval()}, answers others' queries with its listen and external addresses
 * (loopback left out unless {@link MdnsConfig#includeLoopback()}, IPv6 link-local always: it needs a zone), puts the
 * peers it hears of into the peerstore, reports them ({@link MdnsEvent.Discovered}, {@link MdnsEvent.Expired}) and, with {@link MdnsConfig#autoDial()},
 * dials them (of two peers that find each other, the one with the lower id at once, the other only if still
 * unconnected {@link #DIAL_BACKOFF} later).
 *
 * <p>A virtual thread owns the socket (each group joined on every up, multicast-capable interface with an address of
 * its family) and only parses; the state ({@link MdnsState}) lives on the behaviour's thread; a datagram that does not
 * parse is dropped.
 */
public final class MdnsBehaviour implements Behaviour {
    private static final Logger LOG = System.getLogger(MdnsBehaviour.class.getName());
    private static final InetAddress GROUP = groupAddress(false);
    private static final InetAddress GROUP6 = groupAddress(true);
    /** How long the peer with the higher id waits for the other to dial before dialling itself. */
    static final Duration DIAL_BACKOFF = Duration.ofSeconds(3);

    private final MdnsConfig config;
    private volatile BehaviourContext context;
    private volatile MulticastSocket socket;
    private volatile List<Joined> interfaces = List.of();

    /** A group joined on an interface: where queries and answers are sent. */
    private record Joined(NetworkInterface ni, InetAddress group) {}
    private MdnsState state; // behaviour's thread

    public MdnsBehaviour(MdnsConfig config) {
        this.config = config;
    }

    public MdnsBehaviour() {
        this(MdnsConfig.defaults());
    }

    private static InetAddress groupAddress(boolean v6) {
        try {
            return v6 ? InetAddress.getByAddress(new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    (byte) 0xfb}) : InetAddress.getByAddress(new byte[] {(byte) 224, 0, 0, (byte) 251});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void start(BehaviourContext context) {
        this.context = context;
        SecureRandom random = new SecureRandom();
        StringBuilder name = new StringBuilder();
        String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < 32; i++) {
            name.append(letters.charAt(random.nextInt(letters.length())));
        }
        state = new MdnsState(context.localPeer(), name.toString(), config.ttl(), config.maxPeers());
        context.spawn("mdns", this::receive);
        context.every(config.queryInterval(), () -> send(state.query()));
        context.every(config.ttl().dividedBy(4), this::expire);
    }

    @Override
    public void stop() {
        MulticastSocket s = socket;
        if (s != null) {
            s.close();
        }
    }

    /** Sends a query now (an application that just joined a network may want to). Non-blocking. */
    public void queryNow() {
        context.execute(() -> send(state.query()));
    }

    private void receive() throws IOException {
        MulticastSocket s = new MulticastSocket(config.port());
        try {
            s.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            s.setTimeToLive(255);
            List<Joined> joined = new ArrayList<>();
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!usable(ni)) {
                    continue;
                }
                for (InetAddress group : List.of(GROUP, GROUP6)) {
                    boolean family = ni.inetAddresses().anyMatch(a -> a.getClass() == group.getClass());
                    if (!family) {
                        continue;
                    }
                    try {
                        s.joinGroup(new InetSocketAddress(group, config.port()), ni);
                        joined.add(new Joined(ni, group));
                    } catch (IOException e) {
                        LOG.log(Level.DEBUG, "mDNS: cannot join {0} on {1}: {2}", group, ni.getName(),
                                e.toString());
                    }
                }
            }
            if (joined.isEmpty()) {
                LOG.log(Level.INFO, "mDNS: no multicast-capable interface up; discovery is idle");
            }
            interfaces = List.copyOf(joined);
            socket = s;
            context.execute(() -> send(state.query()));
            byte[] buf = new byte[DnsMessage.MAX_MESSAGE];
            while (!s.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                DnsMessage m;
                try {
                    m = DnsMessage.decode(p.getData(), p.getLength());
                } catch (DnsFormatException e) {
                    LOG.log(Level.DEBUG, "mDNS: dropped a datagram from {0}: {1}", p.getAddress(), e.getMessage());
                    continue;
                }
                context.execute(() -> handle(m));
            }
        } catch (SocketException e) {
            if (!s.isClosed()) {
                throw e;
            }
        } finally {
            s.close();
        }
    }

    private static boolean usable(NetworkInterface ni) {
        try {
            return ni.isUp() && ni.supportsMulticast() && !ni.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private void handle(DnsMessage m) {
        if (!m.response()) {
            state.onQuery(m, announced(), context.scheduler().now()).ifPresent(this::send);
            return;
        }
        for (MdnsState.Found f : state.onResponse(m, context.scheduler().now())) {
            context.peerstore().addAddresses(f.peer(), f.addresses());
            if (f.changed()) {
                context.emit(new MdnsEvent.Discovered(f.peer(), f.addresses()));
            }
            if (config.autoDial() && !connected(f.peer())) {
                // Both ends hear each other at once: the one with the lower id dials, the other only if still
                // unconnected a little later (a dial that failed, a peer that does not dial), so that a pair does not
                // end up with two connections.
                if (context.localPeer().toBase58().compareTo(f.peer().toBase58()) < 0) {
                    context.dial(f.peer(), f.addresses());
                } else {
                    context.schedule(DIAL_BACKOFF, () -> {
                        if (!connected(f.peer())) {
                            context.dial(f.peer(), f.addresses());
                        }
                    });
                }
            }
        }
    }

    private boolean connected(org.jlibp2p.core.peer.PeerId peer) {
        return context.connections().stream().map(Connection::remotePeer).anyMatch(peer::equals);
    }

    private void expire() {
        for (var peer : state.expire(context.scheduler().now())) {
            context.emit(new MdnsEvent.Expired(peer));
        }
    }

    /** The addresses this node announces: listen and external ones with an IP, loopback only if configured. */
    private List<Multiaddr> announced() {
        LinkedHashSet<Multiaddr> all = new LinkedHashSet<>(context.listenAddresses());
        all.addAll(context.externalAddresses());
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : all) {
            Optional<Protocol> first = a.protocols().stream().findFirst();
            if (first.isEmpty() || (first.get() != Protocol.IP4 && first.get() != Protocol.IP6)) {
                continue;
            }
            boolean loopback = a.valueOf(first.get()).map(v -> v.startsWith("127.") || v.equals("::1")).orElse(false);
            boolean linkLocal = first.get() == Protocol.IP6
                    && a.valueOf(first.get()).map(v -> v.toLowerCase(java.util.Locale.ROOT).startsWith("fe80"))
                            .orElse(false);
            if (!linkLocal && (!loopback || config.includeLoopback())) {
                out.add(a);
            }
        }
        return out;
    }

    private void send(DnsMessage m) {
        MulticastSocket s = socket;
        if (s == null) {
            return;
        }
        byte[] bytes = m.encode();
        List<Joined> targets = interfaces;
        context.spawn("mdns-send", () -> {
            synchronized (s) {
                for (Joined j : targets) {
                    try {
                        s.setNetworkInterface(j.ni());
                        s.send(new DatagramPacket(bytes, bytes.length, j.group(), config.port()));
                    } catch (IOException e) {
                        LOG.log(Level.DEBUG, "mDNS: cannot send to {0} on {1}: {2}", j.group(), j.ni().getName(),
                                e.toString());
                    }
                }
            }
        });
    }
}
