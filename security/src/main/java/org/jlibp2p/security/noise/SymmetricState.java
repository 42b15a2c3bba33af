package org.jlibp2p.security.noise;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise SymmetricState (Noise spec rev 34, section 5.2) with SHA-256 and its HMAC-based HKDF: the chaining key,
 * the handshake hash and the handshake's CipherState.
 */
final class SymmetricState {
    static final int HASH_LENGTH = 32;

    private final MessageDigest sha256;
    private final Mac hmac;
    private final CipherState cipher = new CipherState();
    private byte[] ck;
    private byte[] h;

    SymmetricState(String protocolName) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            hmac = Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no SHA-256", e);
        }
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256.digest(name);
        ck = h.clone();
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(ck, inputKeyMaterial, 2);
        ck = out[0];
        cipher.initializeKey(out[1]);
    }

    void mixHash(byte[] data) {
        mixHash(data, 0, data.length);
    }

    void mixHash(byte[] data, int off, int len) {
        sha256.update(h);
        sha256.update(data, off, len);
        h = sha256.digest();
    }

    /** Encrypts {@code plaintext} with the handshake hash as associated data, then mixes the ciphertext in. */
    byte[] encryptAndHash(byte[] plaintext) throws NonceExhaustedException {
        byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    /** Decrypts {@code len} bytes at {@code off} with the handshake hash as associated data, then mixes them in. */
    byte[] decryptAndHash(byte[] ciphertext, int off, int len)
            throws FrameAuthenticationException, NonceExhaustedException {
        byte[] plaintext = cipher.decryptWithAd(h, ciphertext, off, len);
        mixHash(ciphertext, off, len);
        return plaintext;
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    /** The handshake hash; a copy. */
    byte[] handshakeHash() {
        return h.clone();
    }

    /** The two transport cipher states: the initiator sends with the first, the responder with the second. */
    CipherState[] split() {
        byte[][] keys = hkdf(ck, new byte[0], 2);
        CipherState[] states = {CipherState.keyed(keys[0]), CipherState.keyed(keys[1])};
        Arrays.fill(keys[0], (byte) 0);
        Arrays.fill(keys[1], (byte) 0);
        Arrays.fill(ck, (byte) 0);
        return states;
    }

    /** HKDF as Noise defines it, with HMAC-SHA256: {@code outputs} (2 or 3) outputs of 32 bytes. */
    byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        try {
            hmac.init(new SecretKeySpec(chainingKey, "HmacSHA256"));
            byte[] tempKey = hmac.doFinal(inputKeyMaterial);
            hmac.init(new SecretKeySpec(tempKey, "HmacSHA256"));
            byte[][] out = new byte[outputs][];
            byte[] previous = new byte[0];
            for (int i = 0; i < outputs; i++) {
                hmac.update(previous);
                hmac.update((byte) (i + 1));
                out[i] = hmac.doFinal();
                previous = out[i];
            }
            Arrays.fill(tempKey, (byte) 0);
            return out;
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("cannot key HMAC-SHA256", e);
        }
    }
}
