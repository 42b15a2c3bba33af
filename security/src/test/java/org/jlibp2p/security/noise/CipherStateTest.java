package org.jlibp2p.security.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CipherStateTest {
    private static final byte[] KEY = HexFormat.of().parseHex(
            "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");

    @Test
    void withoutKeyMessagesPassThrough() throws Exception {
        CipherState state = new CipherState();
        byte[] plain = {1, 2, 3};
        assertArrayEquals(plain, state.encryptWithAd(new byte[] {9}, plain));
        assertArrayEquals(plain, state.decryptWithAd(new byte[] {9}, plain, 0, 3));
    }

    @Test
    void nonceIsFourZeroBytesThenLittleEndianCounter() throws Exception {
        CipherState state = CipherState.keyed(KEY);
        state.setNonce(0x0102030405060708L);
        byte[] ad = {42};
        byte[] plain = "hello".getBytes();
        byte[] ours = state.encryptWithAd(ad, plain);

        Cipher reference = Cipher.getInstance("ChaCha20-Poly1305");
        byte[] nonce = HexFormat.of().parseHex("000000000807060504030201");
        reference.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KEY, "ChaCha20"), new IvParameterSpec(nonce));
        reference.updateAAD(ad);
        assertArrayEquals(plain, reference.doFinal(ours));
        assertEquals(0x0102030405060709L, state.nonce());
    }

    @Test
    void encryptsInPlace() throws Exception {
        CipherState sender = CipherState.keyed(KEY);
        CipherState receiver = CipherState.keyed(KEY);
        byte[] buf = new byte[100 + 16];
        Arrays.fill(buf, 0, 100, (byte) 7);
        assertEquals(116, sender.encryptWithAd(new byte[0], buf, 0, 100, buf, 0));
        assertEquals(100, receiver.decryptWithAd(new byte[0], buf, 0, 116, buf, 0));
        for (int i = 0; i < 100; i++) {
            assertEquals(7, buf[i]);
        }
    }

    @Test
    void wrongNonceOrTamperingFailsAuthentication() throws Exception {
        CipherState sender = CipherState.keyed(KEY);
        byte[] first = sender.encryptWithAd(new byte[0], new byte[10]);
        byte[] second = sender.encryptWithAd(new byte[0], new byte[10]);
        CipherState receiver = CipherState.keyed(KEY);
        assertThrows(FrameAuthenticationException.class, () -> receiver.decryptWithAd(new byte[0], second, 0, 26));
        first[3] ^= 0x40;
        assertThrows(FrameAuthenticationException.class, () -> receiver.decryptWithAd(new byte[0], first, 0, 26));
        assertThrows(FrameAuthenticationException.class, () -> receiver.decryptWithAd(new byte[0], first, 0, 15));
    }

    @Test
    void lastNonceIsReserved() throws Exception {
        CipherState sender = CipherState.keyed(KEY);
        CipherState receiver = CipherState.keyed(KEY);
        sender.setNonce(-2L); // 2^64-2, the last usable nonce
        receiver.setNonce(-2L);
        byte[] last = sender.encryptWithAd(new byte[0], new byte[1]);
        assertArrayEquals(new byte[1], receiver.decryptWithAd(new byte[0], last, 0, last.length));
        assertThrows(NonceExhaustedException.class, () -> sender.encryptWithAd(new byte[0], new byte[1]));
        assertThrows(NonceExhaustedException.class, () -> receiver.decryptWithAd(new byte[0], last, 0, last.length));
    }
}
