package org.jlibp2p.security.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.io.BufferPool;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.SecureSession;

/**
 * A connection secured by the libp2p TLS handshake: after the handshake, TLS 1.3 records (RFC 8446 section 5)
 * sealed and opened with the JDK's AEAD under the application traffic secrets the handshake agreed.
 *
 * <p>The output buffers writes up to one record's plaintext ({@value #MAX_PLAINTEXT} bytes) and seals a record when
 * it is full, whole records straight from the caller's array; sealed records wait in a buffer of two records and go
 * out when it is full or on {@link OutputStream#flush()}. {@link #closeOutput()} sends close_notify and closes the raw
 * write side; as TLS 1.3 allows, the other direction goes on. The input reads ahead into a buffer of two records and
 * opens them one at a time, into the caller's array when it has room. The buffers come from the pools of the channel
 * that made the session ({@link Buffers}) only while there are bytes to keep, so an idle session holds none (two
 * 512-byte scratch arrays); a busy one at most about 80 KiB, whatever the remote sends. Post-handshake messages are
 * bounded too.
 *
 * <p>After the handshake the remote may send NewSessionTicket (ignored: sessions are not resumed) and KeyUpdate
 * (the read key moves on, and this side answers with its own KeyUpdate when asked); this side updates its write key
 * after {@value #KEY_UPDATE_AFTER} records, far below the AES-GCM limit. A record that does not open, an alert, an
 * unexpected message, or a connection that ends inside a record closes the connection and fails this and every
 * later read with {@link TlsException}; close_notify, or the raw connection ending between records, reads as -1.
 * One thread may read while another writes; each direction is locked.
 */
public final class TlsSession implements SecureSession {
    /** The most plaintext one TLS record carries. */
    public static final int MAX_PLAINTEXT = 16384;
    /** Records sealed under one key before this side moves to the next (RFC 8446 5.5 allows 2^24.5 for AES-GCM). */
    static final long KEY_UPDATE_AFTER = 1L << 24;

    static final byte CHANGE_CIPHER_SPEC = 20;
    static final byte ALERT = 21;
    static final byte HANDSHAKE = 22;
    static final byte APPLICATION_DATA = 23;

    private static final System.Logger LOG = System.getLogger(TlsSession.class.getName());
    /** The largest ciphertext of a record a peer may send (RFC 8446 5.2). */
    static final int MAX_CIPHERTEXT = MAX_PLAINTEXT + 256;
    static final int MAX_WIRE_RECORD = 5 + MAX_CIPHERTEXT;
    /** The largest record this side sends: a full plaintext, its content type and the tag. */
    static final int MAX_SEALED = 5 + MAX_PLAINTEXT + 1 + TrafficKeys.TAG_LENGTH;
    /** What an input reads into, and opens small records into, while it holds no pooled buffer. */
    private static final int SCRATCH = 512;
    /** The most bytes of post-handshake messages held while one is incomplete (a NewSessionTicket is the largest). */
    private static final int MAX_HANDSHAKE_MESSAGE = 1 << 16;
    private static final byte HANDSHAKE_NEW_SESSION_TICKET = 4;
    private static final byte HANDSHAKE_KEY_UPDATE = 24;
    private static final byte ALERT_CLOSE_NOTIFY = 0;
    private static final byte ALERT_USER_CANCELED = 90;

    private final Duplex raw;
    private final PeerId localPeer;
    private final PeerId remotePeer;
    private final PublicKey remotePublicKey;
    private final Optional<String> negotiatedMuxer;
    private final TrafficKeys.Suite suite;
    /** The pools of the channel that made this session. */
    private final Buffers buffers;
    private final TlsInput input;
    private final TlsOutput output;

    /**
     * The buffer pools of one {@link TlsSecureChannel}, shared by its sessions: read-ahead buffers of two records,
     * output buffers of two sealed records, plaintext buffers of one record.
     */
    record Buffers(BufferPool read, BufferPool write, BufferPool plain) {
        static Buffers create() {
            return new Buffers(new BufferPool(2 * MAX_WIRE_RECORD, 32), new BufferPool(2 * MAX_SEALED, 32),
                    new BufferPool(MAX_CIPHERTEXT, 32));
        }
    }

    TlsSession(Duplex raw, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey,
            Optional<String> negotiatedMuxer, TrafficKeys.Suite suite, byte[] readSecret, byte[] writeSecret,
            Buffers buffers) {
        this.raw = Objects.requireNonNull(raw, "raw");
        this.buffers = Objects.requireNonNull(buffers, "buffers");
        this.localPeer = localPeer;
        this.remotePeer = remotePeer;
        this.remotePublicKey = remotePublicKey;
        this.negotiatedMuxer = negotiatedMuxer;
        this.suite = suite;
        this.output = new TlsOutput(new TrafficKeys(suite, writeSecret, true));
        this.input = new TlsInput(new TrafficKeys(suite, readSecret, false));
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
        return suite.suiteName;
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
        raw.close();
    }

    /** Sends a KeyUpdate and moves to the next write key; with {@code requestUpdate} the remote must answer. */
    void updateKeys(boolean requestUpdate) throws IOException {
        output.keyUpdate(requestUpdate);
    }

    @Override
    public String toString() {
        return "TlsSession[" + localPeer + " <-> " + remotePeer + "]";
    }

    /**
     * Opens records into the caller's array, or into a plaintext buffer it is then served from. Reads ahead as far as
     * its buffer allows. The read-ahead and plaintext buffers come from the channel's pools when a record needs them
     * and go back once consumed and the socket seems drained (the last read returned less than it asked for);
     * meanwhile, and on an idle connection, small records go through two small scratch arrays.
     */
    private final class TlsInput extends InputStream {
        private final TrafficKeys keys;
        private final InputStream in = raw.input();
        private final ReentrantLock lock = new ReentrantLock();
        private final byte[] scratch = new byte[SCRATCH];
        private final byte[] plainScratch = new byte[SCRATCH];
        /** The array records are read into: the scratch, a pooled buffer, or null; ciphertext at [rpos, end). */
        private byte[] buf;
        private boolean pooled;
        private int rpos;
        private int end;
        /** The array the current record's data is in (the plain scratch or {@link #pooledPlain}): [ppos, plimit). */
        private byte[] plain;
        private byte[] pooledPlain;
        private int ppos;
        private int plimit;
        /** Whether the last read from the socket filled all the room it was offered (more is likely waiting). */
        private boolean lastReadFull;
        /** Post-handshake message bytes received and not yet handled (null when none). */
        private byte[] handshake;
        private int handshakeLength;
        private boolean rawEof;
        private boolean eof;
        private IOException failure;

        TlsInput(TrafficKeys keys) {
            this.keys = keys;
        }

        @Override
        public int read() throws IOException {
            lock.lock();
            try {
                while (ppos == plimit) {
                    if (next(null, 0, 0) < 0) {
                        return -1;
                    }
                }
                int b = plain[ppos++] & 0xFF;
                releaseIfDrained();
                return b;
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
                while (ppos == plimit) {
                    int direct = next(b, off, len);
                    if (direct != 0) {
                        return direct; // -1 at the end, or data opened straight into b
                    }
                }
                int n = Math.min(len, plimit - ppos);
                System.arraycopy(plain, ppos, b, off, n);
                ppos += n;
                releaseIfDrained();
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return plimit - ppos;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }

        /**
         * Opens the next record: into {@code b} when it has room and returns the data's length (0 for a record
         * carrying none), else into a plaintext buffer and returns 0. -1 at the end of the stream.
         */
        private int next(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (eof) {
                return -1;
            }
            int length = 0;
            while (true) {
                int have = end - rpos;
                if (have >= 5) {
                    length = (buf[rpos + 3] & 0xFF) << 8 | (buf[rpos + 4] & 0xFF);
                    if (buf[rpos] != APPLICATION_DATA) {
                        throw fail(new TlsException("a TLS record of type " + buf[rpos] + " from " + remotePeer
                                + " after the handshake, where only encrypted records may come"));
                    }
                    if (length < TrafficKeys.TAG_LENGTH + 1 || length > MAX_CIPHERTEXT) {
                        throw fail(new TlsException("a TLS record of " + length + " bytes from " + remotePeer
                                + " (at most " + MAX_CIPHERTEXT + ")"));
                    }
                    if (have >= 5 + length) {
                        break;
                    }
                }
                makeRoom(have >= 5 ? 5 + length : 5);
                if (!fill()) {
                    if (have == 0) {
                        eof = true; // the remote closed the connection between records, without close_notify
                        releaseIfDrained();
                        return -1;
                    }
                    throw fail(new TlsException("the connection with " + remotePeer + " ended inside a TLS record ("
                            + have + " bytes of it arrived)"));
                }
            }
            int at = rpos;
            rpos += 5 + length;
            int room = length - TrafficKeys.TAG_LENGTH;
            boolean direct = b != null && len >= room;
            byte[] out;
            int outOff = 0;
            if (direct) {
                out = b;
                outOff = off;
            } else if (room <= SCRATCH) {
                out = plainScratch;
            } else {
                if (pooledPlain == null) {
                    pooledPlain = buffers.plain().take();
                }
                out = pooledPlain;
            }
            int inner;
            try {
                inner = keys.open(buf, at, length, out, outOff);
            } catch (TlsException e) {
                throw fail(new TlsException("a TLS record from " + remotePeer + " failed authentication", e));
            }
            // The content type is the last non-zero byte; zeros after it are padding.
            int type = inner - 1;
            while (type >= 0 && out[outOff + type] == 0) {
                type--;
            }
            if (type < 0) {
                throw fail(new TlsException("a TLS record from " + remotePeer + " has no content type"));
            }
            byte contentType = out[outOff + type];
            if (contentType == APPLICATION_DATA) {
                if (direct) {
                    releaseIfDrained();
                    return type;
                }
                plain = out;
                ppos = 0;
                plimit = type;
                releaseIfDrained();
                return 0;
            }
            control(contentType, out, outOff, type);
            releaseIfDrained();
            return eof ? -1 : 0;
        }

        /** An alert or post-handshake message. */
        private void control(byte type, byte[] b, int off, int len) throws IOException {
            ppos = plimit = 0;
            if (type == ALERT) {
                if (len != 2) {
                    throw fail(new TlsException("a TLS alert of " + len + " bytes from " + remotePeer));
                }
                byte description = b[off + 1];
                if (description == ALERT_CLOSE_NOTIFY) {
                    eof = true;
                } else if (description != ALERT_USER_CANCELED) {
                    throw fail(new TlsException("the TLS session with " + remotePeer + " ended with alert "
                            + org.bouncycastle.tls.AlertDescription.getText(description)));
                }
                return;
            }
            if (type != HANDSHAKE) {
                throw fail(new TlsException("a TLS record of content type " + type + " from " + remotePeer
                        + " after the handshake"));
            }
            if (handshake == null) {
                handshake = new byte[Math.max(len, 64)];
            }
            if (handshakeLength + len > MAX_HANDSHAKE_MESSAGE + 4) {
                throw fail(new TlsException("a post-handshake TLS message from " + remotePeer + " exceeds "
                        + MAX_HANDSHAKE_MESSAGE + " bytes"));
            }
            if (handshakeLength + len > handshake.length) {
                handshake = java.util.Arrays.copyOf(handshake, Math.min(MAX_HANDSHAKE_MESSAGE + 4,
                        Math.max(2 * handshake.length, handshakeLength + len)));
            }
            System.arraycopy(b, off, handshake, handshakeLength, len);
            handshakeLength += len;
            int pos = 0;
            while (handshakeLength - pos >= 4) {
                int msgType = handshake[pos];
                int msgLength = (handshake[pos + 1] & 0xFF) << 16 | (handshake[pos + 2] & 0xFF) << 8
                        | (handshake[pos + 3] & 0xFF);
                if (msgLength > MAX_HANDSHAKE_MESSAGE) {
                    throw fail(new TlsException("a post-handshake TLS message of " + msgLength + " bytes from "
                            + remotePeer));
                }
                if (handshakeLength - pos < 4 + msgLength) {
                    break;
                }
                if (msgType == HANDSHAKE_KEY_UPDATE) {
                    if (msgLength != 1 || (handshake[pos + 4] != 0 && handshake[pos + 4] != 1)) {
                        throw fail(new TlsException("a malformed KeyUpdate from " + remotePeer));
                    }
                    keys.update();
                    if (handshake[pos + 4] == 1) {
                        output.keyUpdate(false);
                    }
                } else if (msgType != HANDSHAKE_NEW_SESSION_TICKET) {
                    throw fail(new TlsException("an unexpected TLS handshake message (type " + msgType + ") from "
                            + remotePeer + " after the handshake"));
                }
                pos += 4 + msgLength;
            }
            System.arraycopy(handshake, pos, handshake, 0, handshakeLength - pos);
            handshakeLength -= pos;
            if (handshakeLength == 0) {
                handshake = null;
            }
        }

        /** Makes room for {@code need} bytes from {@code rpos}: moves what is buffered to the front, or to a pooled buffer. */
        private void makeRoom(int need) {
            int have = end - rpos;
            if (buf == null) {
                buf = lastReadFull ? buffers.read().take() : scratch;
                pooled = buf != scratch;
                rpos = end = 0;
                return;
            }
            if (rpos + need <= buf.length && end < buf.length) {
                return;
            }
            byte[] target = need > buf.length ? buffers.read().take() : buf;
            System.arraycopy(buf, rpos, target, 0, have);
            if (target != buf) {
                if (pooled) {
                    buffers.read().give(buf);
                }
                buf = target;
                pooled = true;
            }
            rpos = 0;
            end = have;
        }

        /** One read from the socket into the free end of {@link #buf}; false at the end of the stream. */
        private boolean fill() throws IOException {
            if (rawEof) {
                return false;
            }
            int room = buf.length - end;
            int n = in.read(buf, end, room);
            if (n < 0) {
                rawEof = true;
                return false;
            }
            end += n;
            lastReadFull = n == room;
            return true;
        }

        /**
         * Once the data is read, and once the read-ahead is opened, forgets the arrays; pooled ones go back unless
         * more seems to be waiting.
         */
        private void releaseIfDrained() {
            if (ppos != plimit) {
                return;
            }
            ppos = plimit = 0;
            plain = null;
            boolean streaming = pooled && lastReadFull && !rawEof;
            if (pooledPlain != null && !streaming) {
                buffers.plain().give(pooledPlain);
                pooledPlain = null;
            }
            if (rpos != end || buf == null) {
                return;
            }
            rpos = end = 0;
            if (streaming) {
                return; // keep the buffer: the next read is likely to find data at once
            }
            if (pooled) {
                buffers.read().give(buf);
            }
            buf = null;
            pooled = false;
        }

        private IOException fail(IOException e) {
            if (failure == null) {
                failure = e;
            }
            LOG.log(System.Logger.Level.DEBUG, "closing the TLS session with {0}: {1}", remotePeer, e.getMessage());
            try {
                raw.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            return e;
        }
    }

    /**
     * Seals plaintext into records built in place in one buffer: the plaintext of the record being built waits
     * behind the records sealed before it; a write that completes a record seals the buffered bytes and the caller's
     * together, so whole records are sealed straight from the caller's array. The buffer comes from the channel's
     * pool when there is something to keep and goes back once sent, so an idle connection holds none.
     */
    private final class TlsOutput extends OutputStream {
        private final TrafficKeys keys;
        private final OutputStream out = raw.output();
        private final ReentrantLock lock = new ReentrantLock();
        /** Null, or sealed records in [0, sealed) followed by the record being built: its header slot and {@code buffered} bytes. */
        private byte[] buf;
        private int sealed;
        private int buffered;
        private boolean closed;

        TlsOutput(TrafficKeys keys) {
            this.keys = keys;
        }

        @Override
        public void write(int b) throws IOException {
            lock.lock();
            try {
                ensureOpen();
                if (buf == null) {
                    buf = buffers.write().take();
                }
                buf[sealed + 5 + buffered++] = (byte) b;
                if (buffered == MAX_PLAINTEXT) {
                    seal(APPLICATION_DATA, buf, 0, 0);
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
                    if (buf == null) {
                        buf = buffers.write().take();
                    }
                    if (buffered + len >= MAX_PLAINTEXT) {
                        int n = MAX_PLAINTEXT - buffered;
                        seal(APPLICATION_DATA, b, off, n);
                        off += n;
                        len -= n;
                        continue;
                    }
                    System.arraycopy(b, off, buf, sealed + 5 + buffered, len);
                    buffered += len;
                    len = 0;
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
                sendAll();
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        /** Sends what is buffered and close_notify, then closes the raw write side. */
        @Override
        public void close() throws IOException {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                try {
                    sendControl(ALERT, new byte[] {1, ALERT_CLOSE_NOTIFY});
                } finally {
                    closed = true;
                    raw.closeOutput();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Sends a KeyUpdate after what is buffered, then seals under the next key; nothing once closed. */
        void keyUpdate(boolean requestUpdate) throws IOException {
            lock.lock();
            try {
                if (!closed) {
                    sendControl(HANDSHAKE, keyUpdateMessage(requestUpdate));
                    keys.update();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Seals what is buffered and one record of {@code type} carrying {@code body}, sends all and flushes. */
        private void sendControl(byte type, byte[] body) throws IOException {
            if (buf == null) {
                buf = buffers.write().take();
            }
            if (buffered > 0) {
                seal(APPLICATION_DATA, buf, 0, 0);
            }
            seal(type, body, 0, body.length);
            sendAll();
            out.flush();
        }

        private byte[] keyUpdateMessage(boolean requestUpdate) {
            return new byte[] {HANDSHAKE_KEY_UPDATE, 0, 0, 1, (byte) (requestUpdate ? 1 : 0)};
        }

        /**
         * Seals one record of {@code type}: the buffered plaintext followed by {@code len} bytes of {@code src}.
         * Writes the sealed records once the buffer has no room for another whole one.
         */
        private void seal(byte type, byte[] src, int off, int len) throws IOException {
            int n = keys.seal(buf, sealed, buffered, src, off, len, type);
            sealed += 5 + n;
            buffered = 0;
            if (sealed + MAX_SEALED > buf.length) {
                writeSealed();
            }
            if (type == APPLICATION_DATA && keys.sequence() >= KEY_UPDATE_AFTER) {
                byte[] message = keyUpdateMessage(false);
                seal(HANDSHAKE, message, 0, message.length);
                keys.update();
            }
        }

        /** Seals the record being built, if any, writes every sealed record, and gives the buffer back. */
        private void sendAll() throws IOException {
            if (buf == null) {
                return;
            }
            if (buffered > 0) {
                seal(APPLICATION_DATA, buf, 0, 0);
            }
            writeSealed();
            buffers.write().give(buf);
            buf = null;
        }

        private void writeSealed() throws IOException {
            int n = sealed;
            sealed = 0;
            if (n > 0) {
                out.write(buf, 0, n);
            }
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("the output of the TLS session is closed");
            }
        }
    }
}
