package org.jlibp2p.transport.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.RawConnection;

/** A listening TCP socket. */
final class TcpListener implements Listener {
    private final ServerSocketChannel server;
    private final Multiaddr address;
    private final InetSocketAddress bound;

    TcpListener(ServerSocketChannel server) throws IOException {
        this.server = server;
        this.bound = (InetSocketAddress) server.getLocalAddress();
        this.address = SocketAddresses.fromInetSocketAddress(bound);
    }

    boolean isOpen() {
        return server.isOpen();
    }

    /** The bound socket address. */
    InetSocketAddress bound() {
        return bound;
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    @Override
    public RawConnection accept() throws IOException {
        SocketChannel ch = server.accept();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new TcpConnection(ch);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    @Override
    public String toString() {
        return "tcp listener " + address;
    }
}
