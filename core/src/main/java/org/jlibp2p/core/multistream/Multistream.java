package org.jlibp2p.core.multistream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.TruncatedFrameException;
import org.jlibp2p.core.multiformats.Varint;

/**
 * multistream-select 1.0 ({@value #PROTOCOL_ID}): agrees on the protocol a stream or connection speaks next.
 *
 * <p>Every message is an unsigned-varint length, the UTF-8 text and a newline (counted in the length). Both sides
 * first send the header {@value #PROTOCOL_ID}; the dialer then proposes protocols one at a time, and the listener
 * either echoes a proposal (agreed) or answers {@code na}. A dialer may also send {@code ls}, which the listener
 * answers with the protocols it lists.
 *
 * <p>Works over any {@link Duplex}: it reads exactly the negotiation messages and nothing beyond them, so the stream
 * carries the agreed protocol right after. Each message read is checked against {@link #MAX_MESSAGE_LENGTH} before
 * anything is allocated. The dialer sends its header and first proposal in one write; every side flushes once per
 * round.
 */
public final class Multistream {
    /** The multistream-select version this class speaks, sent as the header. */
    public static final String PROTOCOL_ID = "/multistream/1.0.0";

    /**
     * The longest message accepted or sent, in bytes, counting the trailing newline (go-multistream's and
     * js-libp2p's limit): a protocol id is at most {@code MAX_MESSAGE_LENGTH - 1} bytes of UTF-8.
     */
    public static final int MAX_MESSAGE_LENGTH = 1024;

    static final String NA = "na";
    static final String LS = "ls";

    private static final System.Logger LOG = System.getLogger(Multistream.class.getName());

    private Multistream() {}

    /**
     * Negotiates as the dialer: proposes {@code protocols} in order of preference and returns the first one the
     * listener accepts.
     *
     * @throws NoCommonProtocolException if the listener refuses every proposal
     * @throws NegotiationException if the remote speaks another multistream version or closes the stream
     * @throws org.jlibp2p.core.FormatException (a {@link MalformedMessageException}, {@link FrameTooLargeException},
     *     {@link TruncatedFrameException} or malformed varint) if the remote sends a malformed message
     * @throws IllegalArgumentException if {@code protocols} is empty or holds an id that cannot be sent
     */
    public static String select(Duplex stream, List<String> protocols) throws IOException {
        Objects.requireNonNull(stream, "stream");
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("no protocol to propose");
        }
        protocols.forEach(Multistream::checkProtocolId);
        InputStream in = stream.input();
        OutputStream out = stream.output();

        // Header and first proposal in one write; the listener's header is read afterwards.
        out.write(encode(PROTOCOL_ID, protocols.getFirst()));
        out.flush();
        expectHeader(readMessage(in));
        for (int i = 0; ; i++) {
            String proposal = protocols.get(i);
            String answer = readMessage(in);
            if (answer.equals(proposal)) {
                LOG.log(System.Logger.Level.TRACE, "multistream-select: agreed on {0}", proposal);
                return proposal;
            }
            if (!answer.equals(NA)) {
                throw new MalformedMessageException(
                        "listener answered '" + abbreviate(answer) + "' to the proposal " + proposal);
            }
            if (i + 1 == protocols.size()) {
                throw new NoCommonProtocolException(protocols);
            }
            out.write(encode(protocols.get(i + 1)));
            out.flush();
        }
    }

    /**
     * Negotiates as the listener, accepting any protocol of {@code supported}; answers {@code ls} with them.
     *
     * @return the protocol agreed on
     * @throws NegotiationException if the remote speaks another multistream version or closes the stream before
     *     proposing a supported protocol
     * @throws org.jlibp2p.core.FormatException if the remote sends a malformed message
     */
    public static String accept(Duplex stream, Collection<String> supported) throws IOException {
        List<String> listed = List.copyOf(supported);
        return accept(stream, listed, listed::contains);
    }

    /**
     * Negotiates as the listener, accepting every proposal {@code matcher} accepts (e.g. any version of a
     * protocol); answers {@code ls} with {@code listed}.
     */
    public static String accept(Duplex stream, Collection<String> listed, Predicate<String> matcher)
            throws IOException {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(matcher, "matcher");
        List<String> ls = List.copyOf(listed);
        ls.forEach(Multistream::checkProtocolId);
        InputStream in = stream.input();
        OutputStream out = stream.output();

        out.write(encode(PROTOCOL_ID));
        out.flush();
        expectHeader(readMessage(in));
        while (true) {
            String proposal = readMessage(in);
            if (proposal.equals(LS)) {
                out.write(encodeList(ls));
            } else if (!proposal.equals(NA) && matcher.test(proposal)) {
                out.write(encode(proposal));
                out.flush();
                LOG.log(System.Logger.Level.TRACE, "multistream-select: agreed on {0}", proposal);
                return proposal;
            } else {
                LOG.log(System.Logger.Level.TRACE, "multistream-select: refusing {0}", proposal);
                out.write(encode(NA));
            }
            out.flush();
        }
    }

    /**
     * Reads one message and returns its text without the trailing newline.
     *
     * @throws NegotiationException if the stream ends before the message starts
     * @throws FrameTooLargeException if the length prefix exceeds {@link #MAX_MESSAGE_LENGTH}
     * @throws TruncatedFrameException if the stream ends inside the message
     * @throws MalformedMessageException if the message is empty, lacks its newline or is not UTF-8
     */
    static String readMessage(InputStream in) throws IOException {
        long length;
        try {
            length = Varint.read(in);
        } catch (EOFException e) {
            throw new NegotiationException("the remote closed the stream during protocol negotiation", e);
        }
        if (length > MAX_MESSAGE_LENGTH) {
            throw new FrameTooLargeException(length, MAX_MESSAGE_LENGTH);
        }
        if (length == 0) {
            throw new MalformedMessageException("empty multistream-select message (no newline)");
        }
        byte[] message = in.readNBytes((int) length);
        if (message.length != length) {
            throw new TruncatedFrameException(length, message.length);
        }
        if (message[message.length - 1] != '\n') {
            throw new MalformedMessageException("multistream-select message of " + length
                    + " bytes does not end with a newline");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message, 0, message.length - 1))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("multistream-select message is not valid UTF-8", e);
        }
    }

    /** Encodes messages back to back: for each, varint length, UTF-8 text, newline. */
    static byte[] encode(String... messages) {
        byte[][] texts = new byte[messages.length][];
        int total = 0;
        for (int i = 0; i < messages.length; i++) {
            texts[i] = messages[i].getBytes(StandardCharsets.UTF_8);
            total += Varint.encodedLength(texts[i].length + 1) + texts[i].length + 1;
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (byte[] text : texts) {
            pos = put(text, out, pos);
        }
        return out;
    }

    /** The answer to {@code ls}: one message holding every protocol as a message of its own, then a newline. */
    static byte[] encodeList(List<String> protocols) {
        List<byte[]> texts = new ArrayList<>(protocols.size());
        int inner = 0;
        for (String p : protocols) {
            byte[] text = p.getBytes(StandardCharsets.UTF_8);
            texts.add(text);
            inner += Varint.encodedLength(text.length + 1) + text.length + 1;
        }
        int length = inner + 1;
        byte[] out = new byte[Varint.encodedLength(length) + length];
        int pos = Varint.encode(length, out, 0);
        for (byte[] text : texts) {
            pos = put(text, out, pos);
        }
        out[pos] = '\n';
        return out;
    }

    private static int put(byte[] text, byte[] out, int pos) {
        pos += Varint.encode(text.length + 1, out, pos);
        System.arraycopy(text, 0, out, pos, text.length);
        pos += text.length;
        out[pos++] = '\n';
        return pos;
    }

    private static void expectHeader(String header) throws NegotiationException {
        if (!header.equals(PROTOCOL_ID)) {
            throw new NegotiationException(
                    "the remote speaks '" + abbreviate(header) + "', not " + PROTOCOL_ID);
        }
    }

    /**
     * Whether multistream-select can carry {@code id}: not empty, no newline, not one of its own words ({@code na},
     * {@code ls}), and short enough for one message.
     */
    public static boolean isProtocolId(String id) {
        return !id.isEmpty() && id.indexOf('\n') < 0 && !id.equals(NA) && !id.equals(LS)
                && id.getBytes(StandardCharsets.UTF_8).length + 1 <= MAX_MESSAGE_LENGTH;
    }

    /** Throws {@link IllegalArgumentException} unless {@link #isProtocolId} holds. */
    public static void checkProtocolId(String id) {
        Objects.requireNonNull(id, "protocol id");
        if (!isProtocolId(id)) {
            String shown = abbreviate(id).replace("\n", "\\n");
            throw new IllegalArgumentException("not a protocol id multistream-select can carry: '" + shown + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
