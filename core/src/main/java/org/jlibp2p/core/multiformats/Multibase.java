package org.jlibp2p.core.multiformats;

import java.util.Optional;

/**
 * Multibase: binary data as text, self-described by a one-character prefix naming the encoding. Supports the
 * encodings libp2p and IPFS use; the RFC 4648 ones are unpadded, and decoding base16, base32 and base36 ignores
 * the case of the digits, as the multibase test vectors require.
 */
public final class Multibase {
    /** A supported encoding and its prefix character. */
    public enum Encoding {
        BASE16('f', "base16"),
        BASE16_UPPER('F', "base16upper"),
        BASE32('b', "base32"),
        BASE32_UPPER('B', "base32upper"),
        BASE36('k', "base36"),
        BASE36_UPPER('K', "base36upper"),
        BASE58BTC('z', "base58btc"),
        BASE64('m', "base64"),
        BASE64URL('u', "base64url");

        private final char prefix;
        private final String specName;

        Encoding(char prefix, String specName) {
            this.prefix = prefix;
            this.specName = specName;
        }

        /** The multibase prefix character. */
        public char prefix() {
            return prefix;
        }

        /** The name in the multibase table, e.g. {@code base32upper}. */
        public String specName() {
            return specName;
        }

        /** The encoding a prefix character names, if supported. */
        public static Optional<Encoding> ofPrefix(char prefix) {
            for (Encoding e : values()) {
                if (e.prefix == prefix) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }
    }

    private static final BitCodec BASE16 = new BitCodec("0123456789abcdef", true);
    private static final BitCodec BASE32 = new BitCodec("abcdefghijklmnopqrstuvwxyz234567", true);
    private static final BitCodec BASE64 =
            new BitCodec("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", false);
    private static final BitCodec BASE64URL =
            new BitCodec("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
    private static final RadixCodec BASE36 = new RadixCodec("0123456789abcdefghijklmnopqrstuvwxyz", true);

    private Multibase() {}

    /** Encodes {@code data} with {@code encoding}, prefix included. */
    public static String encode(Encoding encoding, byte[] data) {
        String body = switch (encoding) {
            case BASE16 -> BASE16.encode(data);
            case BASE16_UPPER -> upper(BASE16.encode(data));
            case BASE32 -> BASE32.encode(data);
            case BASE32_UPPER -> upper(BASE32.encode(data));
            case BASE36 -> BASE36.encode(data, false);
            case BASE36_UPPER -> BASE36.encode(data, true);
            case BASE58BTC -> Base58.encode(data);
            case BASE64 -> BASE64.encode(data);
            case BASE64URL -> BASE64URL.encode(data);
        };
        return encoding.prefix + body;
    }

    /** The encoding {@code text} declares by its prefix. */
    public static Encoding encodingOf(String text) throws MultibaseException {
        if (text.isEmpty()) {
            throw new MultibaseException("empty multibase string");
        }
        char prefix = text.charAt(0);
        return Encoding.ofPrefix(prefix)
                .orElseThrow(() -> new MultibaseException(
                        "unknown or unsupported multibase prefix " + RadixCodec.describe(prefix)));
    }

    /**
     * Decodes a multibase string in any supported encoding.
     *
     * @throws MultibaseException if it is empty, the prefix is unknown, a character is outside the alphabet, or
     *     the length or trailing bits are impossible for the encoding
     */
    public static byte[] decode(String text) throws MultibaseException {
        Encoding encoding = encodingOf(text);
        String name = encoding.specName;
        return switch (encoding) {
            case BASE16, BASE16_UPPER -> BASE16.decode(text, 1, name);
            case BASE32, BASE32_UPPER -> BASE32.decode(text, 1, name);
            case BASE36, BASE36_UPPER -> BASE36.decode(text, 1, name);
            case BASE58BTC -> Base58.CODEC.decode(text, 1, name);
            case BASE64 -> BASE64.decode(text, 1, name);
            case BASE64URL -> BASE64URL.decode(text, 1, name);
        };
    }

    private static String upper(String s) {
        return s.toUpperCase(java.util.Locale.ROOT);
    }
}
