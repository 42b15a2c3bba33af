package org.jlibp2p.node;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;
import org.jlibp2p.core.multiaddr.SocketAddresses;

/**
 * The sockets of the control protocol: the control socket the daemon listens on, and the addresses of clients'
 * stream handlers it dials; each is a {@code /unix/<path>} or an {@code /ip4|ip6/<addr>/tcp/<port>} multiaddr.
 */
final class ControlSocket {
    private ControlSocket() {}

    /** A bound control socket: the channel, the address it is bound to, and its unix socket file, if any. */
    record Bound(ServerSocketChannel server, Multiaddr address, Optional<Path> file) {}

    /** The socket address a control or handler multiaddr names. */
    static SocketAddress socketAddress(Multiaddr maddr) throws IOException {
        List<Component> c = maddr.components();
        if (c.size() == 1 && c.get(0).protocol() == Protocol.UNIX) {
            return UnixDomainSocketAddress.of(c.get(0).valueString());
        }
        Optional<InetSocketAddress> inet = SocketAddresses.toInetSocketAddress(maddr);
        if (inet.isPresent()) {
            return inet.get();
        }
        throw new FormatException("unsupported socket address " + maddr
                + " (use /unix/<path> or /ip4/<addr>/tcp/<port>)");
    }

    static StandardProtocolFamily family(SocketAddress addr) {
        if (addr instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        return ((InetSocketAddress) addr).getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /**
     * Binds {@code listen}. A unix socket file is made readable and writable by its owner only; an existing file at
     * that path is replaced when it is a socket nobody listens on (left by a daemon that died), and refused
     * otherwise. A TCP port of 0 is reported as the port bound.
     */
    static Bound bind(Multiaddr listen) throws IOException {
        SocketAddress bind = socketAddress(listen);
        if (bind instanceof UnixDomainSocketAddress unix) {
            Path file = unix.getPath();
            removeStaleSocket(file);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(unix);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | UnsupportedOperationException e) {
                server.close();
                Files.deleteIfExists(file);
                throw e instanceof IOException io ? io
                        : new IOException("cannot restrict the permissions of " + file + ": " + e.getMessage());
            }
            return new Bound(server, listen, Optional.of(file));
        }
        InetSocketAddress inet = (InetSocketAddress) bind;
        ServerSocketChannel server = ServerSocketChannel.open(family(inet));
        try {
            server.bind(inet);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        return new Bound(server, SocketAddresses.fromInetSocketAddress((InetSocketAddress) server.getLocalAddress()),
                Optional.empty());
    }

    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new IOException("cannot use " + path + " as the control socket: a file that is not a socket exists"
                    + " there");
        }
        try (SocketChannel _ = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException("control socket " + path + " is in use by another daemon");
        } catch (java.net.ConnectException e) {
            // nobody listens: a socket file left by a daemon that did not shut down cleanly
            Files.deleteIfExists(path);
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(path);
        }
    }
}
