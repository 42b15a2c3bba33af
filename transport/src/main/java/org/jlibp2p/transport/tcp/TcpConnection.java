package org.jlibp2p.transport.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.SocketAddresses;
import org.jlibp2p.core.transport.RawConnection;

/**
 * One TCP connection over a blocking {@link SocketChannel}: reading and writing may happen at once from two threads;
 * writes are not buffered here, so each write is one or more system calls.
 */
final class TcpConnection extends ChannelDuplex implements RawConnection {
    private final Multiaddr local;
    private final Multiaddr remote;

    TcpConnection(SocketChannel channel) throws IOException {
        super(channel);
        this.local = SocketAddresses.fromInetSocketAddress((InetSocketAddress) channel.getLocalAddress());
        this.remote = SocketAddresses.fromInetSocketAddress((InetSocketAddress) channel.getRemoteAddress());
    }

    @Override
    public Multiaddr localAddress() {
        return local;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return "tcp " + local + " <-> " + remote;
    }
}
