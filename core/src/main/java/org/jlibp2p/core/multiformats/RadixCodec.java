package org.jlibp2p.core.multiformats;

/**
 * Big-number radix conversion in the style of base58btc: leading zero bytes map one-to-one to leading zero digits,
 * the rest is a big-endian unsigned integer written in the radix.
 */
final class RadixCodec {
    private final char[] alphabet;
    private final byte[] digits = new byte[128];
    private final int radix;
    private final boolean caseInsensitive;

    RadixCodec(String alphabet, boolean caseInsensitive) {
        this.alphabet = alphabet.toCharArray();
        this.radix = alphabet.length();
        this.caseInsensitive = caseInsensitive;
        java.util.Arrays.fill(digits, (byte) -1);
        for (int i = 0; i < radix; i++) {
            char c = alphabet.charAt(i);
            digits[c] = (byte) i;
            if (caseInsensitive) {
                digits[Character.toUpperCase(c)] = (byte) i;
                digits[Character.toLowerCase(c)] = (byte) i;
            }
        }
    }

    String encode(byte[] data, boolean upper) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) {
            zeros++;
        }
        // log(256) / log(radix) digits per byte, rounded up generously.
        int capacity = (int) ((data.length - zeros) * (Math.log(256) / Math.log(radix))) + 1;
        byte[] out = new byte[capacity];
        int outLength = 0;
        for (int i = zeros; i < data.length; i++) {
            int carry = data[i] & 0xFF;
            for (int j = 0; j < outLength; j++) {
                carry += (out[j] & 0xFF) << 8;
                out[j] = (byte) (carry % radix);
                carry /= radix;
            }
            while (carry > 0) {
                out[outLength++] = (byte) (carry % radix);
                carry /= radix;
            }
        }
        StringBuilder sb = new StringBuilder(zeros + outLength);
        for (int i = 0; i < zeros; i++) {
            sb.append(alphabet[0]);
        }
        for (int i = outLength - 1; i >= 0; i--) {
            sb.append(alphabet[out[i]]);
        }
        String s = sb.toString();
        return upper ? s.toUpperCase(java.util.Locale.ROOT) : s;
    }

    /** Decodes {@code s} from {@code start}; error indexes are reported as positions in {@code s}. */
    byte[] decode(String s, int start, String name) throws MultibaseException {
        int n = s.length();
        int zeros = 0;
        while (start + zeros < n && s.charAt(start + zeros) == alphabet[0]) {
            zeros++;
        }
        // Each digit carries log(radix)/log(256) bytes; the result never exceeds the number of characters.
        int capacity = (int) ((n - start - zeros) * (Math.log(radix) / Math.log(256))) + 1;
        byte[] out = new byte[capacity];
        int outLength = 0;
        for (int i = start + zeros; i < n; i++) {
            char c = s.charAt(i);
            int digit = c < 128 ? digits[c] : -1;
            if (digit < 0) {
                throw new MultibaseException("bad " + name + " character " + describe(c) + " at index " + i);
            }
            int carry = digit;
            for (int j = 0; j < outLength; j++) {
                carry += (out[j] & 0xFF) * radix;
                out[j] = (byte) carry;
                carry >>>= 8;
            }
            while (carry > 0) {
                out[outLength++] = (byte) carry;
                carry >>>= 8;
            }
        }
        byte[] result = new byte[zeros + outLength];
        for (int i = 0; i < outLength; i++) {
            result[zeros + i] = out[outLength - 1 - i];
        }
        return result;
    }

    boolean caseInsensitive() {
        return caseInsensitive;
    }

    /** A printable form of {@code c} for error messages. */
    static String describe(char c) {
        if (c >= 0x20 && c < 0x7F) {
            return "'" + c + "'";
        }
        String hex = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
        return "U+" + "0".repeat(4 - hex.length()) + hex;
    }
}
