package org.jlibp2p.core.multiformats;

/**
 * Bare base58btc (the Bitcoin alphabet) without a multibase prefix, the text form of peer ids and CIDv0.
 */
public final class Base58 {
    /** The Bitcoin base58 alphabet. */
    public static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    static final RadixCodec CODEC = new RadixCodec(ALPHABET, false);

    private Base58() {}

    /** Encodes {@code data}; each leading zero byte becomes a leading {@code '1'}. */
    public static String encode(byte[] data) {
        return CODEC.encode(data, false);
    }

    /**
     * Decodes a bare base58btc string; the empty string decodes to no bytes.
     *
     * @throws MultibaseException naming the first character outside the alphabet
     */
    public static byte[] decode(String text) throws MultibaseException {
        return CODEC.decode(text, 0, "base58btc");
    }
}
