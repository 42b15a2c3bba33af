package org.jlibp2p.muxer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.MemoryPipe;

/** A loopback TCP socket as a {@link Duplex}, for tests over a real connection. */
public final class SocketDuplex implements Duplex {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public SocketDuplex(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A connected pair of loopback sockets: {@code a} dialled, {@code b} accepted. */
    public static MemoryPipe.Pair loopbackPair() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket dialled = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket accepted = server.accept();
            return new MemoryPipe.Pair(new SocketDuplex(dialled), new SocketDuplex(accepted));
        }
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
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "socket" + socket.getLocalSocketAddress() + "->" + socket.getRemoteSocketAddress();
    }
}
