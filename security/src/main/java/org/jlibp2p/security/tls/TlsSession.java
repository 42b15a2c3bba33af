package org.jlibp2p.security.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.SecureSession;

/**
 * A connection secured by the libp2p TLS handshake: TLS 1.3 records over the raw connection, sealed and opened by
 * the JDK's {@link SSLEngine}.
 *
 * <p>The output buffers writes up to one record's plaintext ({@value #MAX_PLAINTEXT} bytes) and seals a record when
 * it is full; larger writes are sealed straight from the caller's array. Sealed records wait in a buffer of two
 * records and go out when it is full or on {@link OutputStream#flush()}. {@link #closeOutput()} sends close_notify
 * and closes the raw write side; TLS 1.3 lets the other direction go on. The input reads ahead into a buffer of two
 * records and opens them one at a time, into the caller's array when it has room for a whole record. Every buffer
 * is fixed when the session is made: a session holds about 100 KiB whatever the remote sends. A record that does not
 * open, an alert, or a connection that ends inside a record closes the connection and fails this and every later
 * read with {@link TlsException}; a clean end (close_notify, or the raw connection ending between records) reads as
 * -1. One thread may read while another writes; each direction is locked.
 */
public final class TlsSession implements SecureSession {
    /** The most plaintext one TLS record carries. */
    public static final int MAX_PLAINTEXT = 16384;

    private static final System.Logger LOG = System.getLogger(TlsSession.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Wraps the engine may ask for in a row after a post-handshake message (a KeyUpdate answer takes one). */
    private static final int MAX_PENDING_WRAPS = 16;

    private final Records records;
    private final PeerId localPeer;
    private final PeerId remotePeer;
    private final PublicKey remotePublicKey;
    private final Optional<String> negotiatedMuxer;
    private final TlsInput input;
    private final TlsOutput output;

    TlsSession(Records records, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey,
            Optional<String> negotiatedMuxer) {
        this.records = records;
        this.localPeer = localPeer;
        this.remotePeer = remotePeer;
        this.remotePublicKey = remotePublicKey;
        this.negotiatedMuxer = negotiatedMuxer;
        this.output = new TlsOutput();
        this.input = new TlsInput();
    }

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public PublicKey remotePublicKey() {
        return remotePublicKey;
    }

    /** The muxer the server picked by ALPN, if it was one of the client's muxers rather than "libp2p". */
    @Override
    public Optional<String> negotiatedMuxer() {
        return negotiatedMuxer;
    }

    /** The TLS 1.3 cipher suite in use, e.g. TLS_AES_128_GCM_SHA256. */
    public String cipherSuite() {
        return records.engine.getSession().getCipherSuite();
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void closeOutput() throws IOException {
        output.close();
    }

    /** The plaintext of one TLS record. */
    @Override
    public int outputUnit() {
        return MAX_PLAINTEXT;
    }

    @Override
    public boolean outputBuffered() {
        return true;
    }

    @Override
    public boolean inputBuffered() {
        return true;
    }

    @Override
    public void close() throws IOException {
        records.raw.close();
    }

    @Override
    public String toString() {
        return "TlsSession[" + localPeer + " <-> " + remotePeer + "]";
    }

    /**
     * The ciphertext side of a connection: the engine and the buffers of records read ahead and records sealed but
     * not yet written. The handshake uses it first; the session's input and output take it over.
     */
    static final class Records {
        final Duplex raw;
        final SSLEngine engine;
        private final InputStream rawIn;
        private final OutputStream rawOut;
        /** Ciphertext read ahead, not yet opened: [position, limit). */
        private final ByteBuffer netIn;
        /** Sealed records not yet written: [0, position). */
        private final ByteBuffer netOut;
        private final int packetSize;
        private boolean rawEof;

        Records(Duplex raw, SSLEngine engine) {
            this.raw = Objects.requireNonNull(raw, "raw");
            this.engine = engine;
            this.rawIn = raw.input();
            this.rawOut = raw.output();
            this.packetSize = engine.getSession().getPacketBufferSize();
            this.netIn = ByteBuffer.allocate(2 * packetSize).limit(0);
            this.netOut = ByteBuffer.allocate(2 * packetSize);
        }

        int applicationBufferSize() {
            return engine.getSession().getApplicationBufferSize();
        }

        int bufferedIn() {
            return netIn.remaining();
        }

        /** Seals what {@code src} holds, up to one record, behind the records already sealed. */
        SSLEngineResult wrap(ByteBuffer src) throws IOException {
            if (netOut.remaining() < packetSize) {
                send();
            }
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                throw new SSLException("a TLS record larger than " + netOut.remaining() + " bytes");
            }
            runTasks(r);
            return r;
        }

        /** Writes the sealed records to the raw connection. */
        void send() throws IOException {
            if (netOut.position() > 0) {
                rawOut.write(netOut.array(), 0, netOut.position());
                netOut.clear();
            }
        }

        /** Writes the sealed records and flushes the raw connection. */
        void flush() throws IOException {
            send();
            rawOut.flush();
        }

        /**
         * Reads more ciphertext from the raw connection; false at its end. Never needed with a whole record buffered,
         * and the buffer holds two records, so there is always room.
         */
        boolean readMore() throws IOException {
            if (rawEof) {
                return false;
            }
            netIn.compact();
            try {
                int n = rawIn.read(netIn.array(), netIn.position(), netIn.remaining());
                if (n < 0) {
                    rawEof = true;
                    return false;
                }
                netIn.position(netIn.position() + n);
                return true;
            } finally {
                netIn.flip();
            }
        }

        /** Opens one record into {@code dst}, reading ciphertext as needed; null if the connection ended first. */
        SSLEngineResult unwrap(ByteBuffer dst) throws IOException {
            while (true) {
                if (netIn.hasRemaining()) {
                    SSLEngineResult r = engine.unwrap(netIn, dst);
                    runTasks(r);
                    if (r.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        return r;
                    }
                }
                if (!readMore()) {
                    return null;
                }
            }
        }

        /** Opens the next handshake record; null if the connection ended first. */
        SSLEngineResult unwrapForHandshake() throws IOException {
            ByteBuffer scratch = ByteBuffer.allocate(applicationBufferSize());
            SSLEngineResult r = unwrap(scratch);
            if (r != null && r.bytesProduced() > 0) {
                throw new SSLException("application data arrived inside the TLS handshake");
            }
            return r;
        }

        private void runTasks(SSLEngineResult r) {
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                    task.run();
                }
            }
        }

        /** After a failed handshake, sends the alert the engine prepared, if any; errors are the remote's problem. */
        void sendAlertQuietly() {
            try {
                engine.closeOutbound();
                for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    if (r.bytesProduced() == 0) {
                        break;
                    }
                }
                flush();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.TRACE, "could not send the TLS alert: {0}", e.toString());
            }
        }
    }

    /** Opens records into the caller's array, or into a plaintext buffer it is then served from. */
    private final class TlsInput extends InputStream {
        private final ReentrantLock lock = new ReentrantLock();
        /** Plaintext opened and not yet read: [position, limit). */
        private final ByteBuffer plain;
        private final int appSize;
        private boolean eof;
        private IOException failure;

        TlsInput() {
            appSize = records.applicationBufferSize();
            plain = ByteBuffer.allocate(appSize).limit(0);
        }

        @Override
        public int read() throws IOException {
            lock.lock();
            try {
                while (!plain.hasRemaining()) {
                    if (next(null, 0, 0) < 0) {
                        return -1;
                    }
                }
                return plain.get() & 0xFF;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            lock.lock();
            try {
                while (!plain.hasRemaining()) {
                    int direct = next(b, off, len);
                    if (direct != 0) {
                        return direct; // -1 at the end, or plaintext opened straight into b
                    }
                }
                int n = Math.min(len, plain.remaining());
                plain.get(b, off, n);
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return plain.remaining();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            records.raw.close();
        }

        /**
         * Opens the next record: into {@code b} when it has room for any record and returns the plaintext's length,
         * else into {@link #plain} and returns 0 (also for records that carry no data). -1 at the end.
         */
        private int next(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (eof) {
                return -1;
            }
            boolean direct = b != null && len >= appSize;
            ByteBuffer dst = direct ? ByteBuffer.wrap(b, off, len) : plain.clear();
            SSLEngineResult r;
            try {
                r = records.unwrap(dst);
            } catch (SSLException e) {
                throw fail(new TlsException("the TLS session with " + remotePeer + " failed: " + e.getMessage(), e));
            } finally {
                if (!direct) {
                    plain.flip();
                }
            }
            if (r == null) {
                if (records.bufferedIn() == 0) {
                    eof = true; // the remote closed the connection between records, without close_notify
                    return -1;
                }
                throw fail(new TlsException("the connection with " + remotePeer + " ended inside a TLS record ("
                        + records.bufferedIn() + " bytes of it arrived)"));
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                eof = true; // close_notify
                return -1;
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                throw fail(new TlsException("a TLS record from " + remotePeer + " holds more than "
                        + dst.remaining() + " bytes"));
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                output.answer(); // a KeyUpdate that asks for one back
            }
            return direct ? r.bytesProduced() : 0;
        }

        private IOException fail(IOException e) throws IOException {
            if (failure == null) {
                failure = e;
            }
            LOG.log(System.Logger.Level.DEBUG, "closing the TLS session with {0}: {1}", remotePeer, e.getMessage());
            records.raw.close();
            return e;
        }
    }

    /** Seals plaintext into records: whole records straight from the caller's array, the rest through a buffer. */
    private final class TlsOutput extends OutputStream {
        private final ReentrantLock lock = new ReentrantLock();
        /** Plaintext written and not yet sealed: [0, position). */
        private final ByteBuffer plain = ByteBuffer.allocate(MAX_PLAINTEXT);
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            lock.lock();
            try {
                ensureOpen();
                plain.put((byte) b);
                if (!plain.hasRemaining()) {
                    seal();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            lock.lock();
            try {
                ensureOpen();
                while (len > 0) {
                    if (plain.position() == 0 && len >= MAX_PLAINTEXT) {
                        SSLEngineResult r = wrap(ByteBuffer.wrap(b, off, MAX_PLAINTEXT));
                        off += r.bytesConsumed();
                        len -= r.bytesConsumed();
                        continue;
                    }
                    int n = Math.min(len, plain.remaining());
                    plain.put(b, off, n);
                    off += n;
                    len -= n;
                    if (!plain.hasRemaining()) {
                        seal();
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void flush() throws IOException {
            lock.lock();
            try {
                ensureOpen();
                seal();
                records.flush();
            } finally {
                lock.unlock();
            }
        }

        /** Sends close_notify after what is buffered, then closes the raw write side. */
        @Override
        public void close() throws IOException {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                try {
                    seal();
                    records.engine.closeOutbound();
                    for (int i = 0; i < MAX_PENDING_WRAPS && !records.engine.isOutboundDone(); i++) {
                        records.wrap(EMPTY);
                    }
                    records.flush();
                } finally {
                    closed = true;
                    records.raw.closeOutput();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Sends what the engine asks for after a post-handshake message, unless the output is closed. */
        void answer() throws IOException {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                for (int i = 0; i < MAX_PENDING_WRAPS
                        && records.engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP; i++) {
                    records.wrap(EMPTY);
                }
                records.flush();
            } finally {
                lock.unlock();
            }
        }

        private void seal() throws IOException {
            plain.flip();
            try {
                while (plain.hasRemaining()) {
                    wrap(plain);
                }
            } finally {
                plain.clear();
            }
        }

        private SSLEngineResult wrap(ByteBuffer src) throws IOException {
            SSLEngineResult r;
            try {
                r = records.wrap(src);
            } catch (SSLException e) {
                throw new TlsException("the TLS session with " + remotePeer + " cannot seal: " + e.getMessage(), e);
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                closed = true;
                throw new TlsException("the TLS session with " + remotePeer + " is closed");
            }
            if (r.bytesConsumed() == 0 && src.hasRemaining()) {
                throw new TlsException("the TLS engine sealed nothing of " + src.remaining() + " bytes");
            }
            return r;
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("the output of the TLS session is closed");
            }
        }
    }
}
