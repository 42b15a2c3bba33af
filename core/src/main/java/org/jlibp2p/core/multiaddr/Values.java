package org.jlibp2p.core.multiaddr;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import org.jlibp2p.core.multiformats.Base58;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.CidException;
import org.jlibp2p.core.multiformats.Multibase;
import org.jlibp2p.core.multiformats.MultibaseException;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.multiformats.MultihashException;

/** Conversion of protocol values between their string and binary forms, and their validation. */
final class Values {
    /** The longest text accepted for a multibase or base58 value (p2p, certhash), bounding the decoding work. */
    static final int MAX_ENCODED_HASH_CHARS = 2 * Multihash.MAX_DIGEST_LENGTH + 64;

    /** The longest DNS name, in bytes. */
    static final int MAX_DNS_NAME = 255;

    private Values() {}

    /** Why {@code value} is not a valid binary value of {@code protocol}, or null if it is. */
    static String problem(Protocol protocol, byte[] value) {
        switch (protocol.kind()) {
            case NONE -> {
                return value.length == 0 ? null : "takes no value, got " + value.length + " bytes";
            }
            case FIXED -> {
                if (value.length != protocol.sizeBits() / 8) {
                    return "value must be " + protocol.sizeBits() / 8 + " bytes, got " + value.length;
                }
                return null;
            }
            default -> {}
        }
        return switch (protocol) {
            case IP6ZONE -> {
                String s = utf8(value);
                if (s == null) {
                    yield "zone is not valid UTF-8";
                }
                yield zoneProblem(s);
            }
            case DNS, DNS4, DNS6, DNSADDR, SNI -> {
                String s = utf8(value);
                yield s == null ? "name is not valid UTF-8" : dnsProblem(s, value.length);
            }
            case UNIX -> {
                String s = utf8(value);
                if (s == null) {
                    yield "path is not valid UTF-8";
                }
                yield pathProblem(s);
            }
            case P2P -> {
                try {
                    yield peerProblem(Multihash.fromBytes(value));
                } catch (MultihashException e) {
                    yield "bad peer id multihash: " + e.getMessage();
                }
            }
            case CERTHASH -> {
                try {
                    Multihash.fromBytes(value);
                    yield null;
                } catch (MultihashException e) {
                    yield "bad certificate hash: " + e.getMessage();
                }
            }
            case HTTP_PATH -> value.length == 0 ? "empty http path" : null;
            default -> throw new AssertionError(protocol);
        };
    }

    /** The binary value of {@code text} for {@code protocol}. */
    static byte[] parse(Protocol protocol, String text) throws MultiaddrException {
        String prefix = "/" + protocol.protocolName() + ": ";
        byte[] value = switch (protocol) {
            case IP4 -> parseIp4(text, prefix);
            case IP6 -> parseIp6(text, prefix);
            case TCP, UDP, DCCP, SCTP -> parseUnsigned(text, 2, prefix, "port");
            case IPCIDR -> parseUnsigned(text, 1, prefix, "prefix length");
            case MEMORY -> parseUnsigned(text, 8, prefix, "memory address");
            case IP6ZONE, DNS, DNS4, DNS6, DNSADDR, SNI, UNIX -> {
                byte[] b = encodeUtf8(text);
                if (b == null) {
                    throw new MultiaddrException(prefix + "value is not valid Unicode");
                }
                yield b;
            }
            case P2P -> parsePeer(text, prefix);
            case CERTHASH -> parseCerthash(text, prefix);
            case HTTP_PATH -> unescape(text, prefix);
            default -> {
                if (!text.isEmpty()) {
                    throw new MultiaddrException(prefix + "takes no value");
                }
                yield new byte[0];
            }
        };
        String problem = problem(protocol, value);
        if (problem != null) {
            throw new MultiaddrException(prefix + problem);
        }
        return value;
    }

    /** The string form of a valid binary value. */
    static String format(Protocol protocol, byte[] value) {
        return switch (protocol) {
            case IP4 -> (value[0] & 0xFF) + "." + (value[1] & 0xFF) + "." + (value[2] & 0xFF) + "." + (value[3] & 0xFF);
            case IP6 -> formatIp6(value);
            case TCP, UDP, DCCP, SCTP, IPCIDR, MEMORY -> Long.toUnsignedString(unsigned(value));
            case IP6ZONE, DNS, DNS4, DNS6, DNSADDR, SNI, UNIX -> new String(value, UTF_8);
            case P2P -> Base58.encode(value);
            case CERTHASH -> Multibase.encode(Multibase.Encoding.BASE64URL, value);
            case HTTP_PATH -> escape(value);
            default -> "";
        };
    }

    // ---- numbers

    private static long unsigned(byte[] value) {
        long v = 0;
        for (byte b : value) {
            v = (v << 8) | (b & 0xFF);
        }
        return v;
    }

    private static byte[] parseUnsigned(String text, int bytes, String prefix, String what) throws MultiaddrException {
        if (text.isEmpty() || text.length() > 20) {
            throw new MultiaddrException(prefix + "bad " + what + " '" + shorten(text) + "'");
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new MultiaddrException(prefix + "bad " + what + " '" + shorten(text) + "': not a decimal number");
            }
            int d = c - '0';
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, 10)) > 0) {
                throw new MultiaddrException(prefix + what + " " + shorten(text) + " is out of range");
            }
            value = value * 10 + d;
        }
        if (bytes < 8 && Long.compareUnsigned(value, (1L << (8 * bytes)) - 1) > 0) {
            throw new MultiaddrException(prefix + what + " " + text + " is out of range 0.." + ((1L << (8 * bytes)) - 1));
        }
        byte[] out = new byte[bytes];
        for (int i = bytes - 1; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return out;
    }

    // ---- IP addresses

    private static byte[] parseIp4(String text, String prefix) throws MultiaddrException {
        byte[] out = new byte[4];
        if (!ip4Into(text, out, 0)) {
            throw new MultiaddrException(prefix + "bad IPv4 address '" + shorten(text) + "'");
        }
        return out;
    }

    /** Parses dotted-quad {@code text} (no leading zeros) into {@code out[offset..offset+4)}. */
    private static boolean ip4Into(String text, byte[] out, int offset) {
        int part = 0;
        int i = 0;
        int n = text.length();
        while (part < 4) {
            int start = i;
            int v = 0;
            while (i < n && i - start < 4 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                v = v * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false;
            }
            out[offset + part++] = (byte) v;
            if (part < 4) {
                if (i >= n || text.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
        }
        return i == n;
    }

    private static byte[] parseIp6(String text, String prefix) throws MultiaddrException {
        byte[] out = ip6(text);
        if (out == null) {
            throw new MultiaddrException(prefix + "bad IPv6 address '" + shorten(text) + "'");
        }
        return out;
    }

    /** Parses an IPv6 literal (or, as Go does, a dotted IPv4 address as its IPv4-mapped form); null if bad. */
    private static byte[] ip6(String s) {
        byte[] out = new byte[16];
        if (s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            out[10] = (byte) 0xFF;
            out[11] = (byte) 0xFF;
            return ip4Into(s, out, 12) ? out : null;
        }
        int n = s.length();
        int i = 0;
        int groups = 0;
        int gap = -1;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) {
                return out;
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (groups == 8) {
                return null;
            }
            int start = i;
            int v = 0;
            while (i < n && i - start < 5 && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 128) {
                v = v * 16 + Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // An embedded IPv4 address ends the literal and fills two groups.
                if (groups > 6 || !ip4Into(s.substring(start), out, 2 * groups)) {
                    return null;
                }
                groups += 2;
                i = n;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return null;
            }
            out[2 * groups] = (byte) (v >>> 8);
            out[2 * groups + 1] = (byte) v;
            groups++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = groups;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null;
            }
        }
        if (gap < 0) {
            return groups == 8 ? out : null;
        }
        if (groups > 7) {
            return null;
        }
        int shift = 16 - 2 * groups;
        System.arraycopy(out, 2 * gap, out, 2 * gap + shift, 2 * (groups - gap));
        java.util.Arrays.fill(out, 2 * gap, 2 * gap + shift, (byte) 0);
        return out;
    }

    /** RFC 5952 form, with IPv4-mapped addresses as {@code ::ffff:a.b.c.d} as go-multiaddr prints them. */
    private static String formatIp6(byte[] b) {
        boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
        for (int i = 0; i < 10 && mapped; i++) {
            mapped = b[i] == 0;
        }
        if (mapped) {
            return "::ffff:" + (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    // ---- names and paths

    private static String zoneProblem(String zone) {
        if (zone.isEmpty()) {
            return "empty zone";
        }
        if (zone.indexOf('/') >= 0) {
            return "zone contains '/'";
        }
        return null;
    }

    private static String dnsProblem(String name, int byteLength) {
        if (name.isEmpty()) {
            return "empty name";
        }
        if (byteLength > MAX_DNS_NAME) {
            return "name of " + byteLength + " bytes is longer than " + MAX_DNS_NAME;
        }
        // A fully qualified name may end with a dot; no other label may be empty.
        int end = name.length() > 1 && name.endsWith(".") ? name.length() - 1 : name.length();
        int labelStart = 0;
        for (int i = 0; i <= end; i++) {
            char c = i < end ? name.charAt(i) : '.';
            if (c == '/' || c <= 0x20 || c == 0x7F) {
                return "name contains " + (c == '/' ? "'/'" : String.format("U+%04X", (int) c)) + " at index " + i;
            }
            if (c == '.') {
                if (i == labelStart) {
                    return "name has an empty label at index " + i;
                }
                if (i - labelStart > 63) {
                    return "label at index " + labelStart + " is longer than 63 characters";
                }
                labelStart = i + 1;
            }
        }
        return null;
    }

    private static String pathProblem(String path) {
        if (path.length() < 2 || path.charAt(0) != '/') {
            return "path must start with '/' and name something";
        }
        if (path.endsWith("/")) {
            return "path must not end with '/'";
        }
        return null;
    }

    // ---- peer ids and certificate hashes

    private static String peerProblem(Multihash mh) {
        if (mh.code() != Multicodec.SHA2_256.code() && mh.code() != Multicodec.IDENTITY.code()) {
            return "peer id multihash must be sha2-256 or identity, not code " + mh.code();
        }
        return null;
    }

    private static byte[] parsePeer(String text, String prefix) throws MultiaddrException {
        if (text.length() > MAX_ENCODED_HASH_CHARS) {
            throw new MultiaddrException(prefix + "peer id of " + text.length() + " characters is too long");
        }
        if (text.startsWith("Qm") || text.startsWith("1")) {
            try {
                return Base58.decode(text);
            } catch (MultibaseException e) {
                throw new MultiaddrException(prefix + "bad base58btc peer id: " + e.getMessage(), e);
            }
        }
        Cid cid;
        try {
            cid = Cid.parse(text);
        } catch (CidException e) {
            throw new MultiaddrException(prefix + "peer id is neither a base58btc multihash nor a CID: "
                    + e.getMessage(), e);
        }
        if (cid.codec() != Multicodec.LIBP2P_KEY.code()) {
            throw new MultiaddrException(prefix + "peer id CID has codec " + cid.codec() + ", not libp2p-key");
        }
        return cid.multihash().bytes();
    }

    private static byte[] parseCerthash(String text, String prefix) throws MultiaddrException {
        if (text.length() > MAX_ENCODED_HASH_CHARS) {
            throw new MultiaddrException(prefix + "certificate hash of " + text.length() + " characters is too long");
        }
        try {
            return Multibase.decode(text);
        } catch (MultibaseException e) {
            throw new MultiaddrException(prefix + "bad multibase certificate hash: " + e.getMessage(), e);
        }
    }

    // ---- http-path: URL query escaping, as go-multiaddr does

    private static String escape(byte[] value) {
        StringBuilder sb = new StringBuilder(value.length * 3);
        for (byte b : value) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else if (c == ' ') {
                sb.append('+');
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }

    private static byte[] unescape(String text, String prefix) throws MultiaddrException {
        byte[] raw = encodeUtf8(text);
        if (raw == null) {
            throw new MultiaddrException(prefix + "value is not valid Unicode");
        }
        byte[] out = new byte[raw.length];
        int o = 0;
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '%') {
                int hi = i + 1 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
                int lo = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new MultiaddrException(prefix + "bad percent escape at index " + i);
                }
                out[o++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                out[o++] = b == '+' ? (byte) ' ' : b;
            }
        }
        return java.util.Arrays.copyOf(out, o);
    }

    // ---- helpers

    /** Strict UTF-8 decoding; null if malformed. */
    static String utf8(byte[] value) {
        try {
            return UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Strict UTF-8 encoding; null if {@code text} holds unpaired surrogates. */
    static byte[] encodeUtf8(String text) {
        try {
            ByteBuffer buf = UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
