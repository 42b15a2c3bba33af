package org.jlibp2p.muxer.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import org.jlibp2p.core.io.Duplex;

/** The far end of a pipe driven by hand: writes raw bytes, and collects whatever the session under test sends. */
public final class RawPeer implements AutoCloseable {
    private final Duplex end;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Thread drain;

    public RawPeer(Duplex end) {
        this.end = end;
        this.drain = Thread.ofVirtual().name("raw-peer-drain").start(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = end.input().read(buf)) > 0) {
                    synchronized (received) {
                        received.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    public void send(String hex) throws IOException {
        send(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    public void send(byte[] bytes) throws IOException {
        end.output().write(bytes);
        end.output().flush();
    }

    /** Waits until the session closed the pipe, then returns everything it sent. */
    public byte[] receivedUntilClosed() throws InterruptedException {
        drain.join(5000);
        return received();
    }

    public byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    @Override
    public void close() throws IOException {
        end.close();
    }
}
