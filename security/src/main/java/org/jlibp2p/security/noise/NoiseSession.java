package org.jlibp2p.security.noise;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.TruncatedFrameException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.SecureSession;

/**
 * A connection secured by the libp2p Noise handshake. Every transport message is a frame: a 2-byte big-endian length
 * and at most 65535 bytes of ChaCha20-Poly1305 ciphertext, so at most {@value #MAX_PLAINTEXT} plaintext bytes.
 *
 * <p>The output buffers writes up to one frame's plaintext; a full buffer or {@link OutputStream#flush()} sends a
 * frame. The input decrypts frame by frame into one buffer it reuses, or straight into the caller's array when the
 * frame fits. A frame that fails authentication closes the connection and fails this and every later read with
 * {@link FrameAuthenticationException}. One thread may read while another writes; each direction is locked.
 */
public final class NoiseSession implements SecureSession {
    /** The largest Noise message, and so the largest frame. */
    public static final int MAX_FRAME = 65535;
    /** The most plaintext one frame carries. */
    public static final int MAX_PLAINTEXT = MAX_FRAME - CipherState.TAG_LENGTH;

    private static final System.Logger LOG = System.getLogger(NoiseSession.class.getName());

    private final Duplex insecure;
    private final PeerId localPeer;
    private final PeerId remotePeer;
    private final PublicKey remotePublicKey;
    private final Optional<String> negotiatedMuxer;
    private final NoiseInput input;
    private final NoiseOutput output;

    NoiseSession(Duplex insecure, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey,
            Optional<String> negotiatedMuxer, CipherState send, CipherState receive) {
        this.insecure = Objects.requireNonNull(insecure, "insecure");
        this.localPeer = localPeer;
        this.remotePeer = remotePeer;
        this.remotePublicKey = remotePublicKey;
        this.negotiatedMuxer = negotiatedMuxer;
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

    @Override
    public void close() throws IOException {
        insecure.close();
    }

    @Override
    public String toString() {
        return "NoiseSession[" + localPeer + " <-> " + remotePeer + "]";
    }

    /** Decrypts frames from the insecure input. */
    private final class NoiseInput extends InputStream {
        private final CipherState cipher;
        private final InputStream in = insecure.input();
        private final byte[] frame = new byte[MAX_FRAME];
        private final byte[] lengthBytes = new byte[2];
        private final ReentrantLock lock = new ReentrantLock();
        private int pos;
        private int limit;
        private boolean eof;
        private IOException failure;

        NoiseInput(CipherState cipher) {
            this.cipher = cipher;
        }

        @Override
        public int read() throws IOException {
            lock.lock();
            try {
                while (pos == limit) {
                    if (!fill()) {
                        return -1;
                    }
                }
                return frame[pos++] & 0xFF;
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
                while (pos == limit) {
                    int direct = fillDirect(b, off, len);
                    if (direct != 0) {
                        return direct; // -1 at the end, or plaintext decrypted straight into b
                    }
                }
                int n = Math.min(len, limit - pos);
                System.arraycopy(frame, pos, b, off, n);
                pos += n;
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int available() {
            return limit - pos;
        }

        @Override
        public void close() throws IOException {
            insecure.close();
        }

        /**
         * Reads the next frame. If its plaintext fits in {@code b}, decrypts it there and returns its length (or 0
         * for an empty frame); otherwise decrypts it into the buffer and returns 0. Returns -1 at the end.
         */
        private int fillDirect(byte[] b, int off, int len) throws IOException {
            int length = readFrame();
            if (length < 0) {
                return -1;
            }
            if (length - CipherState.TAG_LENGTH <= len && length >= CipherState.TAG_LENGTH) {
                return decrypt(length, b, off);
            }
            limit = decrypt(length, frame, 0);
            pos = 0;
            return 0;
        }

        /** Reads and decrypts the next frame into the buffer; false at the end. */
        private boolean fill() throws IOException {
            int length = readFrame();
            if (length < 0) {
                return false;
            }
            limit = decrypt(length, frame, 0);
            pos = 0;
            return true;
        }

        /** Reads one frame's ciphertext into the buffer; returns its length, or -1 at a clean end of stream. */
        private int readFrame() throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (eof) {
                return -1;
            }
            int got = in.readNBytes(lengthBytes, 0, 2);
            if (got == 0) {
                eof = true;
                return -1;
            }
            if (got < 2) {
                throw fail(new TruncatedFrameException(2, got));
            }
            int length = (lengthBytes[0] & 0xFF) << 8 | (lengthBytes[1] & 0xFF);
            int n = in.readNBytes(frame, 0, length);
            if (n < length) {
                throw fail(new TruncatedFrameException(length, n));
            }
            return length;
        }

        private int decrypt(int length, byte[] out, int off) throws IOException {
            try {
                return cipher.decryptWithAd(EMPTY, frame, 0, length, out, off);
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
            failure = e;
            return e;
        }
    }

    /** Buffers plaintext and sends it as encrypted frames. */
    private final class NoiseOutput extends OutputStream {
        private final CipherState cipher;
        private final OutputStream out = insecure.output();
        private final byte[] plain = new byte[MAX_PLAINTEXT];
        private final byte[] frame = new byte[2 + MAX_FRAME];
        private final ReentrantLock lock = new ReentrantLock();
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
                if (buffered == MAX_PLAINTEXT) {
                    sendFrame(plain, 0, buffered);
                    buffered = 0;
                }
                plain[buffered++] = (byte) b;
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
                    if (buffered == 0 && len >= MAX_PLAINTEXT) {
                        // A whole frame straight from the caller's array.
                        sendFrame(b, off, MAX_PLAINTEXT);
                        off += MAX_PLAINTEXT;
                        len -= MAX_PLAINTEXT;
                        continue;
                    }
                    int n = Math.min(len, MAX_PLAINTEXT - buffered);
                    System.arraycopy(b, off, plain, buffered, n);
                    buffered += n;
                    off += n;
                    len -= n;
                    if (buffered == MAX_PLAINTEXT) {
                        sendFrame(plain, 0, buffered);
                        buffered = 0;
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
                flushBuffer();
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
                flushBuffer();
                closed = true;
                insecure.closeOutput();
            } finally {
                lock.unlock();
            }
        }

        private void flushBuffer() throws IOException {
            if (buffered > 0) {
                sendFrame(plain, 0, buffered);
                buffered = 0;
            }
        }

        private void sendFrame(byte[] src, int off, int len) throws IOException {
            int n = cipher.encryptWithAd(EMPTY, src, off, len, frame, 2);
            frame[0] = (byte) (n >>> 8);
            frame[1] = (byte) n;
            out.write(frame, 0, 2 + n);
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("the output of the Noise session is closed");
            }
        }
    }

    private static final byte[] EMPTY = new byte[0];
}
