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

    TcpListener(ServerSocketChannel server) throws IOException {
        this.server = server;
        this.address = SocketAddresses.fromInetSocketAddress((InetSocketAddress) server.getLocalAddress());
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
