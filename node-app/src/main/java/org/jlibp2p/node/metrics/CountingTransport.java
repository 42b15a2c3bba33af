package org.jlibp2p.node.metrics;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.transport.Listener;
import org.jlibp2p.core.transport.RawConnection;
import org.jlibp2p.core.transport.Transport;

/** A transport that counts the bytes its connections receive and send (on the wire: handshakes, frames, all). */
public final class CountingTransport implements Transport {
    private final Transport inner;
    private final LongAdder received;
    private final LongAdder sent;

    CountingTransport(Transport inner, LongAdder received, LongAdder sent) {
        this.inner = inner;
        this.received = received;
        this.sent = sent;
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return inner.canDial(address);
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return inner.canListen(address);
    }

    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        return new Counted(inner.dial(address, timeout));
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        Listener l = inner.listen(address);
        return new Listener() {
            @Override
            public Multiaddr address() {
                return l.address();
            }

            @Override
            public RawConnection accept() throws IOException {
                return new Counted(l.accept());
            }

            @Override
            public void close() throws IOException {
                l.close();
            }
        };
    }

    @Override
    public String toString() {
        return inner.toString();
    }

    private final class Counted implements RawConnection {
        private final RawConnection c;
        private final InputStream in;
        private final OutputStream out;

        Counted(RawConnection c) {
            this.c = c;
            this.in = new FilterInputStream(c.input()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        received.increment();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) {
                        received.add(n);
                    }
                    return n;
                }

                @Override
                public long skip(long n) throws IOException {
                    long s = super.skip(n);
                    received.add(s);
                    return s;
                }
            };
            this.out = new FilterOutputStream(c.output()) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    sent.increment();
                }

                @Override
                public void write(byte[] buf, int off, int len) throws IOException {
                    out.write(buf, off, len);
                    sent.add(len);
                }
            };
        }

        @Override
        public Multiaddr localAddress() {
            return c.localAddress();
        }

        @Override
        public Multiaddr remoteAddress() {
            return c.remoteAddress();
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
            c.closeOutput();
        }

        @Override
        public int outputUnit() {
            return c.outputUnit();
        }

        @Override
        public boolean outputBuffered() {
            return c.outputBuffered();
        }

        @Override
        public boolean inputBuffered() {
            return c.inputBuffered();
        }

        @Override
        public void close() throws IOException {
            c.close();
        }

        @Override
        public String toString() {
            return c.toString();
        }
    }
}
