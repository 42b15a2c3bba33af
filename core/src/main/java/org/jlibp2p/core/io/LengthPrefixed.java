package org.jlibp2p.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jlibp2p.core.multiformats.Varint;

/**
 * Messages framed by an unsigned-varint length prefix, the framing of most libp2p protocols (identify, Kademlia,
 * pubsub, the daemon control protocol, ...). Every read takes the largest length the caller accepts and refuses a
 * larger prefix before allocating anything.
 */
public final class LengthPrefixed {
    private LengthPrefixed() {}

    /**
     * Reads one frame of at most {@code maxLength} bytes.
     *
     * @throws EOFException if the stream ends cleanly before the frame starts
     * @throws FrameTooLargeException if the prefix exceeds {@code maxLength}
     * @throws org.jlibp2p.core.multiformats.VarintException if the prefix is malformed
     * @throws TruncatedFrameException if the stream ends inside the frame
     */
    public static byte[] read(InputStream in, int maxLength) throws IOException {
        long length = Varint.read(in);
        if (length > maxLength) {
            throw new FrameTooLargeException(length, maxLength);
        }
        return readExactly(in, (int) length);
    }

    /**
     * Reads exactly {@code length} bytes, the body of a frame whose header gave its length (checked against a
     * limit by the caller), through {@link InputStream#readNBytes(int)}, which a buffering stream can serve
     * without an extra copy.
     *
     * @throws TruncatedFrameException if the stream ends first
     */
    public static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] frame = in.readNBytes(length);
        if (frame.length != length) {
            throw new TruncatedFrameException(length, frame.length);
        }
        return frame;
    }

    /** Writes {@code frame} with its length prefix in one write (then flushes nothing). */
    public static void write(OutputStream out, byte[] frame) throws IOException {
        byte[] buf = new byte[Varint.encodedLength(frame.length) + frame.length];
        int n = Varint.encode(frame.length, buf, 0);
        System.arraycopy(frame, 0, buf, n, frame.length);
        out.write(buf);
    }
}
