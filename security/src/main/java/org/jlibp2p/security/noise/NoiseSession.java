package org.jlibp2p.security.noise;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.io.Segment;
import org.jlibp2p.core.io.TruncatedFrameException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.SecureSession;

/**
 * A connection secured by the libp2p Noise handshake. Every transport message is a frame: a 2-byte big-endian length
 * and at most 65535 bytes of ChaCha20-Poly1305 ciphertext, so at most {@value #MAX_PLAINTEXT} plaintext bytes.
 *
 * <p>The output buffers writes up to one frame's plaintext and seals a frame when it is full; {@link
 * OutputStream#flush()} seals what is buffered and sends every frame sealed since the last flush in one write. The
 * input reads ahead and decrypts frame by frame into a plaintext buffer, or straight into the caller's array when the
 * frame fits; a muxer reading a payload that fills the rest of a frame borrows that buffer ({@link Segment.Reader})
 * instead of copying out of it. Both take their buffers from the pools of the {@link NoiseSecureChannel} that made
 * the session ({@link NoiseBuffers}), shared by its sessions, only while they have bytes to keep, so an idle session
 * holds none. A frame that fails authentication closes the connection and fails this and every later read with
 * {@link FrameAuthenticationException}. One thread may read while another writes; each direction is locked.
 */
public final class NoiseSession implements SecureSession {
    /** The largest Noise message, and so the largest frame. */
    public static final int MAX_FRAME = 65535;
    /** The most plaintext one frame carries. */
    public static final int MAX_PLAINTEXT = MAX_FRAME - CipherState.TAG_LENGTH;

    private static final System.Logger LOG = System.getLogger(NoiseSession.class.getName());
    /** The most bytes one frame takes on the wire: its length prefix and the largest message. */
    static final int MAX_WIRE_FRAME = 2 + MAX_FRAME;
    /** What an input reads into while it holds no frame buffer: enough for a frame carrying a Yamux header. */
    private static final int SCRATCH = 64;
    /** Up to this length, {@code readNBytes(int)} allocates the whole array at once. */
    private static final int PRESIZED_READ_LIMIT = 1 << 20;

    private final Duplex insecure;
    private final PeerId localPeer;
    private final PeerId remotePeer;
    private final PublicKey remotePublicKey;
    private final Optional<String> negotiatedMuxer;
    /** The pools of the channel that made this session. */
    private final NoiseBuffers buffers;
    private final NoiseInput input;
    private final NoiseOutput output;

    /** A session whose input and output take their buffers from {@code buffers}, the pools of its channel. */
    NoiseSession(Duplex insecure, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey,
            Optional<String> negotiatedMuxer, CipherState send, CipherState receive, NoiseBuffers buffers) {
        this.insecure = Objects.requireNonNull(insecure, "insecure");
        this.localPeer = localPeer;
        this.remotePeer = remotePeer;
        this.remotePublicKey = remotePublicKey;
        this.negotiatedMuxer = negotiatedMuxer;
        this.buffers = Objects.requireNonNull(buffers, "buffers");
        this.input = new NoiseInput(receive);
        this.output = new NoiseOutput(send);
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

    /**
     * The stream muxer agreed on during the handshake (early muxer negotiation), if both sides offered one in
     * common; when empty, negotiate the muxer with multistream-select as usual.
     */
    @Override
    public Optional<String> negotiatedMuxer() {
        return negotiatedMuxer;
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

    /** The plaintext of one Noise message. */
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
        insecure.close();
    }

    @Override
    public String toString() {
        return "NoiseSession[" + localPeer + " <-> " + remotePeer + "]";
    }

    /**
     * Decrypts frames from the insecure input. Reads ahead as far as its buffer allows, so that a frame usually costs
     * one system call. A frame is decrypted straight into the caller's array when it fits, else into a plaintext
     * buffer it is then served from: never in place, where the JDK's ChaCha20-Poly1305 runs 10-15% slower. The
     * read-ahead buffer comes from the channel's {@link NoiseBuffers#read()} pool and the plaintext buffer from its
     * {@link NoiseBuffers#plain()} pool when a frame needs them; they go back once consumed and the socket seems
     * drained (the last read returned less than it asked for). Meanwhile, and on an idle connection, small frames
     * (pings, window updates) go through two small scratch arrays.
     */
    private final class NoiseInput extends InputStream implements Segment.Reader {
        private final CipherState cipher;
        private final InputStream in = insecure.input();
        private final byte[] scratch = new byte[SCRATCH];
        private final byte[] plainScratch = new byte[SCRATCH];
        private final ReentrantLock lock = new ReentrantLock();
        /** The array frames are read into: the scratch, a pooled buffer, or null (nothing buffered). */
        private byte[] cur;
        private boolean pooled;
        /** Ciphertext read ahead, not yet decrypted: cur[rpos, end). */
        private int rpos;
        private int end;
        /** The array the current frame's plaintext is in: the plain scratch, {@link #pooledPlain}, or null. */
        private byte[] plainBuf;
        /** A plaintext buffer from the pool, kept while frames keep coming; or null. */
        private byte[] pooledPlain;
        /** Decrypted plaintext not yet read: plainBuf[ppos, plimit). */
        private int ppos;
        private int plimit;
        /** Whether the last read from the socket filled all the room it was offered (more is likely waiting). */
        private boolean lastReadFull;
        private boolean eof;
        private IOException failure;

        NoiseInput(CipherState cipher) {
            this.cipher = cipher;
        }

        @Override
        public int read() throws IOException {
            lock.lock();
            try {
                while (ppos == plimit) {
                    if (nextFrame(null, 0, 0) < 0) {
                        return -1;
                    }
                }
                int b = plainBuf[ppos++] & 0xFF;
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
                    int direct = nextFrame(b, off, len);
                    if (direct != 0) {
                        return direct; // -1 at the end, or plaintext decrypted straight into b
                    }
                }
                int n = Math.min(len, plimit - ppos);
                System.arraycopy(plainBuf, ppos, b, off, n);
                ppos += n;
                releaseIfDrained();
                return n;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Reads up to {@code len} bytes into a new array. When the frame at hand holds them all (a Yamux or mplex
         * payload usually sits in one frame with its header), they are copied straight out of it, into an array
         * that needs no zeroing first.
         */
        @Override
        public byte[] readNBytes(int len) throws IOException {
            if (len < 0) {
                throw new IllegalArgumentException("len < 0");
            }
            if (len == 0) {
                return EMPTY;
            }
            lock.lock();
            try {
                if (plimit - ppos >= len) {
                    byte[] out = Arrays.copyOfRange(plainBuf, ppos, ppos + len);
                    ppos += len;
                    releaseIfDrained();
                    return out;
                }
            } finally {
                lock.unlock();
            }
            if (len > PRESIZED_READ_LIMIT) {
                return super.readNBytes(len); // reads in bounded steps: len may be far more than will come
            }
            byte[] out = new byte[len];
            int n = readNBytes(out, 0, len);
            return n == len ? out : Arrays.copyOf(out, n);
        }

        /**
         * Reads exactly {@code len} bytes. When they are the rest of the current frame's plaintext and fill at least
         * half of its pooled buffer (a Yamux payload that shared a frame with its header), the buffer itself is lent
         * and the next frame takes another from the pool: no copy.
         */
        @Override
        public Segment readSegment(int len) throws IOException {
            lock.lock();
            try {
                if (plainBuf != null && plainBuf == pooledPlain && plimit - ppos == len && len >= MAX_PLAINTEXT / 2) {
                    Segment lent = Segment.lent(pooledPlain, ppos, len, buffers.plain());
                    pooledPlain = null;
                    ppos = plimit;
                    releaseIfDrained();
                    return lent;
                }
            } finally {
                lock.unlock();
            }
            return Segment.of(LengthPrefixed.readExactly(this, len));
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
            insecure.close();
        }

        /**
         * Reads and decrypts the next frame. If {@code b} is given and the plaintext fits in it, decrypts it there
         * and returns its length; otherwise decrypts it into the plaintext buffer, to be served from there, and
         * returns 0 (also for an empty frame). Returns -1 at a clean end of stream.
         */
        private int nextFrame(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                throw failure;
            }
            int length = 0;
            while (true) {
                int have = end - rpos;
                if (have >= 2) {
                    length = (cur[rpos] & 0xFF) << 8 | (cur[rpos + 1] & 0xFF);
                    if (have >= 2 + length) {
                        break;
                    }
                }
                int need = have >= 2 ? 2 + length : 2;
                if (cur == null || rpos + need > cur.length) {
                    makeRoom(need);
                }
                if (!fill()) {
                    if (end == rpos) {
                        eof = true;
                        return -1;
                    }
                    throw fail(have >= 2 ? new TruncatedFrameException(length, have - 2)
                            : new TruncatedFrameException(2, have));
                }
            }
            int start = rpos + 2;
            rpos = start + length;
            int plain = length - CipherState.TAG_LENGTH;
            if (b != null && plain > 0 && plain <= len) {
                int n = decrypt(start, length, b, off);
                releaseIfDrained();
                return n;
            }
            if (plain <= SCRATCH) {
                plainBuf = plainScratch;
            } else {
                if (pooledPlain == null) {
                    pooledPlain = buffers.plain().take();
                }
                plainBuf = pooledPlain;
            }
            ppos = 0;
            plimit = decrypt(start, length, plainBuf, 0);
            releaseIfDrained();
            return 0;
        }

        /** Makes room for {@code need} bytes from {@code rpos}: moves what is buffered to the front, or to a pooled buffer. */
        private void makeRoom(int need) {
            int have = end - rpos;
            byte[] target = cur;
            if (cur == null) {
                target = lastReadFull ? buffers.read().take() : scratch;
                pooled = target != scratch;
            } else if (need > cur.length) {
                target = buffers.read().take();
            }
            if (have > 0 && (target != cur || rpos > 0)) {
                System.arraycopy(cur, rpos, target, 0, have);
            }
            if (target != cur && pooled && cur != null && cur != scratch) {
                buffers.read().give(cur);
            }
            if (target != cur) {
                pooled = target != scratch;
            }
            cur = target;
            rpos = 0;
            end = have;
        }

        /** One read from the socket into the free end of {@code cur}; false at the end of the stream. */
        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            int room = cur.length - end;
            int n = in.read(cur, end, room);
            if (n < 0) {
                eof = true;
                return false;
            }
            end += n;
            lastReadFull = n == room;
            return true;
        }

        /**
         * Once the plaintext is read, and once the read-ahead is decrypted, forgets the arrays; pooled ones go back
         * unless more data seems to be waiting.
         */
        private void releaseIfDrained() {
            if (ppos != plimit) {
                return;
            }
            ppos = plimit = 0;
            plainBuf = null;
            if (pooledPlain != null && !(pooled && lastReadFull)) { // kept only while a full read-ahead streams in
                buffers.plain().give(pooledPlain);
                pooledPlain = null;
            }
            if (rpos != end) {
                return;
            }
            if (pooled && lastReadFull) {
                rpos = end = 0; // keep the buffer: the next read is likely to find data at once
                return;
            }
            if (pooled) {
                buffers.read().give(cur);
            }
            cur = null;
            pooled = false;
            rpos = end = 0;
        }

        private int decrypt(int start, int length, byte[] out, int off) throws IOException {
            try {
                return cipher.decryptWithAd(EMPTY, cur, start, length, out, off);
            } catch (FrameAuthenticationException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the Noise session with {0}: {1}", remotePeer,
                        e.getMessage());
                fail(e);
                insecure.close();
                throw e;
            } catch (NonceExhaustedException e) {
                throw fail(e);
            }
        }

        private IOException fail(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
    }

    /**
     * Seals plaintext into encrypted frames and sends them. Frames are built in a buffer from the channel's
     * {@link NoiseBuffers#write()} pool, taken when there is something to keep and given back once it is sent, so an
     * idle connection holds none. The frame being built takes the buffered plaintext; a write that completes it
     * encrypts the buffered bytes and the caller's in one message, so whole frames are encrypted straight from the
     * caller's array. Sealed frames wait in the buffer until {@link #flush()}, or until the buffer has no room for
     * another frame, and then go out in one write.
     */
    private final class NoiseOutput extends OutputStream {
        private final CipherState cipher;
        private final OutputStream out = insecure.output();
        private final ReentrantLock lock = new ReentrantLock();
        /** Null, or sealed frames in [0, sealed) followed by the frame being built: its 2-byte length slot, then {@code buffered} bytes of plaintext. */
        private byte[] buf;
        private int sealed;
        private int buffered;
        private boolean closed;

        NoiseOutput(CipherState cipher) {
            this.cipher = cipher;
        }

        @Override
        public void write(int b) throws IOException {
            lock.lock();
            try {
                ensureOpen();
                if (buf == null) {
                    buf = buffers.write().take();
                }
                buf[sealed + 2 + buffered++] = (byte) b;
                if (buffered == MAX_PLAINTEXT) {
                    seal(buf, 0, 0);
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
                        // A whole frame: what is buffered, then straight from the caller's array.
                        int n = MAX_PLAINTEXT - buffered;
                        seal(b, off, n);
                        off += n;
                        len -= n;
                        continue;
                    }
                    System.arraycopy(b, off, buf, sealed + 2 + buffered, len);
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

        @Override
        public void close() throws IOException {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                try {
                    sendAll();
                } finally {
                    closed = true;
                    insecure.closeOutput();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Seals the frame being built, if any, writes every sealed frame, and gives the buffer back. */
        private void sendAll() throws IOException {
            if (buffered > 0) {
                seal(buf, 0, 0);
            }
            if (buf != null) {
                writeSealed();
                buffers.write().give(buf);
                buf = null;
            }
        }

        /**
         * Seals one frame: the buffered plaintext followed by {@code len} bytes of {@code src}, encrypted in place
         * behind the frames sealed before. Writes them all once the buffer has no room for another whole frame.
         */
        private void seal(byte[] src, int off, int len) throws IOException {
            int at = sealed;
            int n = cipher.encryptGather(buf, at + 2, buffered, src, off, len, buf, at + 2);
            buf[at] = (byte) (n >>> 8);
            buf[at + 1] = (byte) n;
            sealed = at + 2 + n;
            buffered = 0;
            if (sealed + MAX_WIRE_FRAME > buf.length) {
                writeSealed();
            }
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
                throw new IOException("the output of the Noise session is closed");
            }
        }
    }

    private static final byte[] EMPTY = new byte[0];
}
