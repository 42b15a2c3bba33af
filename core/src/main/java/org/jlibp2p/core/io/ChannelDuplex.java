package org.jlibp2p.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A blocking {@link SocketChannel} (TCP or unix domain) as a {@link Duplex}. One thread may read while another
 * writes: the channel keeps separate read and write locks. Nothing is buffered here; each write is one or more
 * system calls.
 */
public class ChannelDuplex implements Duplex {
    private final SocketChannel channel;
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    public ChannelDuplex(SocketChannel channel) {
        if (!channel.isBlocking()) {
            throw new IllegalArgumentException("the channel must be in blocking mode");
        }
        this.channel = channel;
    }

    /** The underlying channel. */
    public SocketChannel channel() {
        return channel;
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

    /** Ends reading: a blocked read returns end-of-stream; writing still works. Never throws. */
    public void shutdownInputQuietly() {
        try {
            channel.shutdownInput();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
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
