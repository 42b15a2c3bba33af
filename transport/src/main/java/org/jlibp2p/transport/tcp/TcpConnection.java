package org.jlibp2p.transport.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.transport.RawConnection;

/**
 * One TCP connection over a blocking {@link SocketChannel}. Reading and writing may happen at once from two
 * threads (the channel keeps separate read and write locks); writes are not buffered here, so each write is one
 * or more system calls.
 */
final class TcpConnection implements RawConnection {
    private final SocketChannel channel;
    private final Multiaddr local;
    private final Multiaddr remote;
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    TcpConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.local = TcpTransport.toMultiaddr((InetSocketAddress) channel.getLocalAddress());
        this.remote = TcpTransport.toMultiaddr((InetSocketAddress) channel.getRemoteAddress());
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
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void closeOutput() throws IOException {
        if (channel.isOpen()) {
            channel.shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "tcp " + local + " <-> " + remote;
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int n;
            do {
                n = channel.read(ByteBuffer.wrap(b, off, len));
            } while (n == 0);
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                if (channel.write(buf) < 0) {
                    throw new ClosedChannelException();
                }
            }
        }

        @Override
        public void close() throws IOException {
            closeOutput();
        }
    }
}
