package org.jlibp2p.security.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction's TLS 1.3 record protection (RFC 8446 section 5.2, 7.3): the AEAD key and IV derived from a traffic
 * secret with HKDF-Expand-Label, a per-record nonce (the IV XORed with the record number), and the key update that
 * derives the next secret ("traffic upd"). The AEAD is the JDK's.
 */
final class TrafficKeys {
    /** The TLS 1.3 cipher suites the channel offers, in its order of preference. */
    enum Suite {
        AES_128_GCM_SHA256(0x1301, "TLS_AES_128_GCM_SHA256", "AES/GCM/NoPadding", "AES", 16, "HmacSHA256", 32),
        CHACHA20_POLY1305_SHA256(0x1303, "TLS_CHACHA20_POLY1305_SHA256", "ChaCha20-Poly1305", "ChaCha20", 32,
                "HmacSHA256", 32),
        AES_256_GCM_SHA384(0x1302, "TLS_AES_256_GCM_SHA384", "AES/GCM/NoPadding", "AES", 32, "HmacSHA384", 48);

        final int code;
        final String suiteName;
        final String transformation;
        final String keyAlgorithm;
        final int keyLength;
        final String mac;
        final int hashLength;

        Suite(int code, String suiteName, String transformation, String keyAlgorithm, int keyLength, String mac,
                int hashLength) {
            this.code = code;
            this.suiteName = suiteName;
            this.transformation = transformation;
            this.keyAlgorithm = keyAlgorithm;
            this.keyLength = keyLength;
            this.mac = mac;
            this.hashLength = hashLength;
        }

        static Suite of(int code) {
            for (Suite s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("not a TLS 1.3 cipher suite this channel offers: 0x"
                    + Integer.toHexString(code));
        }
    }

    static final int TAG_LENGTH = 16;
    private static final int IV_LENGTH = 12;

    private final Suite suite;
    private final Cipher cipher;
    private final int mode;
    private final byte[] nonce = new byte[IV_LENGTH];
    private byte[] secret;
    private SecretKeySpec key;
    private byte[] iv;
    private long sequence;

    /** Keys for sealing ({@code seal} true) or opening records under {@code secret}, which this object keeps. */
    TrafficKeys(Suite suite, byte[] secret, boolean seal) {
        this.suite = suite;
        this.mode = seal ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
        try {
            this.cipher = Cipher.getInstance(suite.transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + suite.transformation, e);
        }
        derive(secret);
    }

    Suite suite() {
        return suite;
    }

    /** Records protected under the current key. */
    long sequence() {
        return sequence;
    }

    /** Moves to the next traffic secret (a KeyUpdate); record numbers start again at 0. */
    void update() {
        byte[] next = expandLabel(suite, secret, "traffic upd", suite.hashLength);
        Arrays.fill(secret, (byte) 0);
        derive(next);
    }

    private void derive(byte[] newSecret) {
        this.secret = newSecret;
        byte[] k = expandLabel(suite, newSecret, "key", suite.keyLength);
        this.key = new SecretKeySpec(k, suite.keyAlgorithm);
        Arrays.fill(k, (byte) 0);
        this.iv = expandLabel(suite, newSecret, "iv", IV_LENGTH);
        this.sequence = 0;
    }

    private void start(byte[] header, int headerOff) throws GeneralSecurityException {
        System.arraycopy(iv, 0, nonce, 0, IV_LENGTH);
        long seq = sequence++;
        for (int i = 0; i < 8; i++) {
            nonce[IV_LENGTH - 1 - i] ^= (byte) (seq >>> (8 * i));
        }
        AlgorithmParameterSpec spec = suite == Suite.CHACHA20_POLY1305_SHA256 ? new IvParameterSpec(nonce)
                : new GCMParameterSpec(TAG_LENGTH * 8, nonce);
        cipher.init(mode, key, spec);
        cipher.updateAAD(header, headerOff, 5);
    }

    /**
     * Seals one record whose 5-byte header goes at {@code out[at]} and whose plaintext is {@code buffered} bytes
     * already at {@code out[at + 5]}, then {@code len} bytes of {@code src}, then the content type: encrypted in
     * place behind the header, with the tag. Returns the ciphertext length, which the header already holds.
     */
    int seal(byte[] out, int at, int buffered, byte[] src, int off, int len, byte contentType) {
        int length = buffered + len + 1 + TAG_LENGTH;
        out[at] = TlsSession.APPLICATION_DATA;
        out[at + 1] = 3;
        out[at + 2] = 3;
        out[at + 3] = (byte) (length >>> 8);
        out[at + 4] = (byte) length;
        int pos = at + 5;
        try {
            start(out, at);
            int n = 0;
            if (buffered > 0) {
                n += cipher.update(out, pos, buffered, out, pos);
            }
            if (len > 0) {
                n += cipher.update(src, off, len, out, pos + n);
            }
            n += cipher.doFinal(new byte[] {contentType}, 0, 1, out, pos + n);
            if (n != length) {
                throw new IllegalStateException("sealed " + n + " bytes instead of " + length);
            }
            return length;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing a TLS record failed", e);
        }
    }

    /**
     * Opens the record whose header is at {@code in[at]} and whose {@code length} bytes of ciphertext follow, into
     * {@code out[outOff]}, which has room for {@code length - 16} bytes. Returns the inner plaintext's length
     * (content, content type, padding).
     */
    int open(byte[] in, int at, int length, byte[] out, int outOff) throws TlsException {
        try {
            start(in, at);
            return cipher.doFinal(in, at + 5, length, out, outOff);
        } catch (AEADBadTagException e) {
            throw new TlsException("a TLS record failed authentication", e);
        } catch (GeneralSecurityException e) {
            throw new TlsException("a TLS record could not be opened: " + e.getMessage(), e);
        }
    }

    /** HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context. */
    static byte[] expandLabel(Suite suite, byte[] secret, String label, int length) {
        byte[] fullLabel = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + fullLabel.length + 1];
        info[0] = (byte) (length >>> 8);
        info[1] = (byte) length;
        info[2] = (byte) fullLabel.length;
        System.arraycopy(fullLabel, 0, info, 3, fullLabel.length);
        info[info.length - 1] = 0; // empty context
        try {
            Mac mac = Mac.getInstance(suite.mac);
            mac.init(new SecretKeySpec(secret, suite.mac));
            byte[] out = new byte[length];
            byte[] t = new byte[0];
            for (int done = 0, i = 1; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                int n = Math.min(t.length, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + suite.mac, e);
        }
    }
}
