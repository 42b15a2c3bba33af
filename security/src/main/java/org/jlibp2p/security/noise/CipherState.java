package org.jlibp2p.security.noise;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise CipherState (Noise spec rev 34, section 5.1) for ChaChaPoly: ChaCha20-Poly1305 (RFC 8439) with the
 * 96-bit nonce made of 32 zero bits and the 64-bit counter {@code n} in little-endian order. Nonce 2^64-1 is
 * reserved, so a state encrypts or decrypts at most 2^64-1 messages.
 *
 * <p>Holds one {@link Cipher} (of the implementation {@link ChaChaPolyProvider} chose) for its whole life. Not thread-safe: one state serves one direction.
 */
final class CipherState {
    static final int KEY_LENGTH = 32;
    static final int TAG_LENGTH = 16;
    private static final long MAX_NONCE = -1L; // 2^64-1 as an unsigned long, reserved

    private final Cipher cipher;
    private final byte[] nonce = new byte[12];
    private SecretKeySpec key;
    private long n;

    CipherState() {
        try {
            cipher = ChaChaPolyProvider.newCipher();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no ChaCha20-Poly1305 available", e);
        }
    }

    /** A state keyed with {@code k}, nonce 0. */
    static CipherState keyed(byte[] k) {
        CipherState state = new CipherState();
        state.initializeKey(k);
        return state;
    }

    void initializeKey(byte[] k) {
        if (k.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaChaPoly keys are 32 bytes, not " + k.length);
        }
        key = new SecretKeySpec(k, "ChaCha20");
        n = 0;
    }

    boolean hasKey() {
        return key != null;
    }

    /** The next nonce; for tests of nonce exhaustion. */
    void setNonce(long nonce) {
        n = nonce;
    }

    long nonce() {
        return n;
    }

    /**
     * Encrypts {@code len} bytes of {@code in} at {@code inOff} into {@code out} at {@code outOff} and returns the
     * number of bytes written ({@code len + 16}); without a key, copies them. {@code in} and {@code out} may be the
     * same array.
     */
    int encryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
            throws NonceExhaustedException {
        if (key == null) {
            System.arraycopy(in, inOff, out, outOff, len);
            return len;
        }
        init(Cipher.ENCRYPT_MODE);
        try {
            if (ad.length > 0) {
                cipher.updateAAD(ad);
            }
            int written = cipher.doFinal(in, inOff, len, out, outOff);
            n++;
            return written;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    /**
     * Encrypts, with empty associated data, the concatenation of {@code aLen} bytes of {@code a} at {@code aOff} and
     * {@code bLen} bytes of {@code b} at {@code bOff} into {@code out} at {@code outOff}, as one message, without
     * copying them together first; returns the number of bytes written ({@code aLen + bLen + 16}). {@code a} may be
     * {@code out} at the same offset (encryption in place).
     */
    int encryptGather(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen, byte[] out, int outOff)
            throws NonceExhaustedException {
        if (key == null) {
            System.arraycopy(a, aOff, out, outOff, aLen);
            System.arraycopy(b, bOff, out, outOff + aLen, bLen);
            return aLen + bLen;
        }
        init(Cipher.ENCRYPT_MODE);
        try {
            int written = aLen == 0 ? 0 : cipher.update(a, aOff, aLen, out, outOff);
            written += cipher.doFinal(b, bOff, bLen, out, outOff + written);
            n++;
            return written;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    /**
     * Decrypts and authenticates {@code len} bytes (ciphertext and tag) of {@code in} at {@code inOff} into
     * {@code out} at {@code outOff}; returns the plaintext length ({@code len - 16}). Without a key, copies them.
     *
     * @throws FrameAuthenticationException if the tag does not match, or the message is shorter than a tag
     */
    int decryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
            throws FrameAuthenticationException, NonceExhaustedException {
        if (key == null) {
            System.arraycopy(in, inOff, out, outOff, len);
            return len;
        }
        if (len < TAG_LENGTH) {
            throw new FrameAuthenticationException(
                    "encrypted Noise message of " + len + " bytes is shorter than its authentication tag");
        }
        init(Cipher.DECRYPT_MODE);
        try {
            if (ad.length > 0) {
                cipher.updateAAD(ad);
            }
            int written = cipher.doFinal(in, inOff, len, out, outOff);
            n++;
            return written;
        } catch (AEADBadTagException e) {
            throw new FrameAuthenticationException("Noise message failed authentication (nonce " + n + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
        }
    }

    byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NonceExhaustedException {
        byte[] out = new byte[plaintext.length + (key == null ? 0 : TAG_LENGTH)];
        encryptWithAd(ad, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    byte[] decryptWithAd(byte[] ad, byte[] ciphertext, int off, int len)
            throws FrameAuthenticationException, NonceExhaustedException {
        if (key != null && len < TAG_LENGTH) {
            throw new FrameAuthenticationException(
                    "encrypted Noise message of " + len + " bytes is shorter than its authentication tag");
        }
        byte[] out = new byte[len - (key == null ? 0 : TAG_LENGTH)];
        decryptWithAd(ad, ciphertext, off, len, out, 0);
        return out;
    }

    private void init(int mode) throws NonceExhaustedException {
        if (n == MAX_NONCE) {
            throw new NonceExhaustedException();
        }
        long counter = n;
        for (int i = 4; i < 12; i++) {
            nonce[i] = (byte) counter;
            counter >>>= 8;
        }
        try {
            cipher.init(mode, key, new IvParameterSpec(nonce));
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("cannot initialise ChaCha20-Poly1305", e);
        }
    }
}
