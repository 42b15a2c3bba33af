package org.jlibp2p.core.multiformats;

import java.util.Arrays;

/** RFC 4648 style codecs whose digits carry a fixed number of bits (base16, base32, base64), without padding. */
final class BitCodec {
    private final char[] alphabet;
    private final byte[] digits = new byte[128];
    private final int bits;

    BitCodec(String alphabet, boolean caseInsensitive) {
        this.alphabet = alphabet.toCharArray();
        this.bits = Integer.numberOfTrailingZeros(alphabet.length());
        Arrays.fill(digits, (byte) -1);
        for (int i = 0; i < alphabet.length(); i++) {
            char c = alphabet.charAt(i);
            digits[c] = (byte) i;
            if (caseInsensitive) {
                digits[Character.toUpperCase(c)] = (byte) i;
                digits[Character.toLowerCase(c)] = (byte) i;
            }
        }
    }

    String encode(byte[] data) {
        StringBuilder sb = new StringBuilder((int) (((long) data.length * 8 + bits - 1) / bits));
        int mask = (1 << bits) - 1;
        int buffer = 0;
        int buffered = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            buffered += 8;
            while (buffered >= bits) {
                buffered -= bits;
                sb.append(alphabet[(buffer >>> buffered) & mask]);
            }
            buffer &= (1 << buffered) - 1;
        }
        if (buffered > 0) {
            sb.append(alphabet[(buffer << (bits - buffered)) & mask]);
        }
        return sb.toString();
    }

    /** Decodes {@code s} from {@code start}; error indexes are reported as positions in {@code s}. */
    byte[] decode(String s, int start, String name) throws MultibaseException {
        int chars = s.length() - start;
        long totalBits = (long) chars * bits;
        int leftover = (int) (totalBits % 8);
        if (leftover >= bits) {
            throw new MultibaseException(name + " string of " + chars + " characters has an impossible length");
        }
        byte[] out = new byte[(int) (totalBits / 8)];
        int buffer = 0;
        int buffered = 0;
        int o = 0;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            int digit = c < 128 ? digits[c] : -1;
            if (digit < 0) {
                throw new MultibaseException("bad " + name + " character " + RadixCodec.describe(c) + " at index " + i);
            }
            buffer = (buffer << bits) | digit;
            buffered += bits;
            if (buffered >= 8) {
                buffered -= 8;
                out[o++] = (byte) (buffer >>> buffered);
            }
            buffer &= (1 << buffered) - 1;
        }
        if (buffer != 0) {
            throw new MultibaseException(name + " string has non-zero trailing bits");
        }
        return out;
    }
}
