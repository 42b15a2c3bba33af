package org.jlibp2p.transport.tcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;

/**
 * TCP: dials and listens on {@code /ip4/<addr>/tcp/<port>}, {@code /ip6/<addr>/tcp/<port>} and, for dialling,
 * {@code /dns|dns4|dns6/<name>/tcp/<port>}. Sockets use TCP_NODELAY; a listen port of 0 picks a free port and the
 * listener reports the real one.
 */
public final class TcpTransport implements Transport {
    private static final int BACKLOG = 1024;
    private static final Set<Protocol> FAMILIES =
            EnumSet.of(Protocol.IP4, Protocol.IP6, Protocol.DNS, Protocol.DNS4, Protocol.DNS6);

    private final InetAddress dialSource;
    private final boolean portReuse;
    /** With port reuse: the listeners, whose ports outgoing dials bind to. */
    private final List<TcpListener> listeners = new CopyOnWriteArrayList<>();

    /** Dials from whatever local address the system picks. */
    public TcpTransport() {
        this(null);
    }

    /**
     * Dials from {@code dialSource} (its family's targets only; others as the system picks): for a host with
     * several addresses, and for tests that need peers at distinct loopback addresses ({@code 127.0.0.2}, ...).
     */
    public TcpTransport(InetAddress dialSource) {
        this(dialSource, false);
    }

    private TcpTransport(InetAddress dialSource, boolean portReuse) {
        this.dialSource = dialSource;
        this.portReuse = portReuse;
    }

    /**
     * A transport that listens with {@code SO_REUSEPORT} and dials from the port it listens on (of the same address
     * family), as go-libp2p does: a NAT then maps the node's outgoing connections and its listening port alike, so
     * the address peers observe is one they can dial back, and two nodes dialling each other at once (hole
     * punching) meet in a TCP simultaneous open. A dial whose port is taken for that destination falls back to a
     * port the system picks. Only where the platform offers {@code SO_REUSEPORT} (Linux, macOS); elsewhere dials
     * as usual.
     */
    public static TcpTransport withPortReuse() {
        return new TcpTransport(null, true);
    }

    /** Whether this transport dials from its listening port (see {@link #withPortReuse()}). */
    public boolean portReuse() {
        return portReuse && REUSE_PORT_SUPPORTED;
    }

    private static final boolean REUSE_PORT_SUPPORTED = reusePortSupported();

    private static boolean reusePortSupported() {
        try (SocketChannel ch = SocketChannel.open()) {
            return ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    /** A dialable address split into its family, its host (an IP literal or a name to resolve) and its port. */
    record HostPort(Protocol family, String host, int port) {}

    static Optional<HostPort> parse(Multiaddr address) {
        List<Component> c = address.withoutPeerId().components();
        if (c.size() != 2 || c.get(1).protocol() != Protocol.TCP || !FAMILIES.contains(c.get(0).protocol())) {
            return Optional.empty();
        }
        return Optional.of(
                new HostPort(c.get(0).protocol(), c.get(0).valueString(), SocketAddresses.tcpPort(c.get(1))));
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return parse(address).isPresent();
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return SocketAddresses.toInetSocketAddress(address.withoutPeerId()).isPresent();
    }

    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        HostPort hp = parse(address).orElseThrow(() -> new IOException("not a TCP address: " + address));
        // An IP address is taken from the component's bytes; only a DNS name is looked up.
        Optional<InetSocketAddress> ip = SocketAddresses.toInetSocketAddress(address.withoutPeerId());
        List<InetSocketAddress> targets = ip.isPresent() ? List.of(ip.get()) : resolve(hp);
        IOException last = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (InetSocketAddress target : targets) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            SocketChannel ch = SocketChannel.open();
            boolean reused = false;
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (dialSource != null && dialSource.getClass() == target.getAddress().getClass()) {
                    ch.bind(new InetSocketAddress(dialSource, 0));
                } else if (portReuse()) {
                    reused = bindToListenPort(ch, target);
                }
                ch.socket().connect(target, (int) Math.min(left, Integer.MAX_VALUE));
                return new TcpConnection(ch);
            } catch (java.net.BindException e) {
                ch.close();
                last = e;
                if (reused) {
                    // The listening port already has a connection to this target (it dialled us): once more from
                    // a port the system picks.
                    SocketChannel fresh = SocketChannel.open();
                    try {
                        fresh.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        long rest = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                        fresh.socket().connect(target, (int) Math.min(rest, Integer.MAX_VALUE));
                        return new TcpConnection(fresh);
                    } catch (IOException again) {
                        fresh.close();
                        last = again;
                    }
                }
            } catch (IOException e) {
                ch.close();
                last = e;
            }
        }
        if (last == null) {
            throw new SocketTimeoutException("dial to " + address + " timed out after " + timeout);
        }
        throw last;
    }

    /** Binds {@code ch} to the port of a listener of the target's family, if any; whether it did. */
    private boolean bindToListenPort(SocketChannel ch, InetSocketAddress target) {
        for (TcpListener l : listeners) {
            if (!l.isOpen() || l.bound().getAddress().getClass() != target.getAddress().getClass()
                    || l.bound().getAddress().isLoopbackAddress() != target.getAddress().isLoopbackAddress()) {
                continue;
            }
            try {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                ch.bind(l.bound());
                return true;
            } catch (IOException e) {
                // Not bindable here: the system picks the port.
                return false;
            }
        }
        return false;
    }

    /** The addresses of a {@code /dns}, {@code /dns4} or {@code /dns6} name, of the family it asks for. */
    private static List<InetSocketAddress> resolve(HostPort hp) throws UnknownHostException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : InetAddress.getAllByName(hp.host())) {
            boolean ok = switch (hp.family()) {
                case DNS4 -> a instanceof Inet4Address;
                case DNS6 -> a instanceof Inet6Address;
                default -> true;
            };
            if (ok) {
                out.add(new InetSocketAddress(a, hp.port()));
            }
        }
        if (out.isEmpty()) {
            throw new UnknownHostException("no " + hp.family().protocolName() + " address for " + hp.host());
        }
        return out;
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        InetSocketAddress bind = SocketAddresses.toInetSocketAddress(address.withoutPeerId())
                .orElseThrow(() -> new IOException("cannot listen on " + address));
        ServerSocketChannel server = ServerSocketChannel.open(bind.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (portReuse()) {
                server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            server.bind(bind, BACKLOG);
            TcpListener listener = new TcpListener(server);
            if (portReuse()) {
                listeners.removeIf(l -> !l.isOpen());
                listeners.add(listener);
            }
            return listener;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }
}
