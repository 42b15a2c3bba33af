package org.jlibp2p.security.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The build runs the Noise tests once per ChaCha20-Poly1305 implementation; these check that the run is what it says. */
class ChaChaPolyProviderTest {
    @Test
    void theImplementationAskedForIsTheOneInUse() {
        String wanted = System.getProperty(ChaChaPolyProvider.PROPERTY, "auto");
        assumeTrue(wanted.equals("jdk") || wanted.equals("conscrypt"),
                "no implementation asked for; auto chose " + ChaChaPolyProvider.choice());
        String expected = wanted.equals("jdk") ? "JDK" : "Conscrypt (BoringSSL)";
        assertEquals(expected, ChaChaPolyProvider.choice().name(), ChaChaPolyProvider.choice().reason());
    }

    /** RFC 8439 section 2.8.2's AEAD example, through whichever implementation this run uses. */
    @Test
    void rfc8439AeadVector() throws Exception {
        byte[] key = HexFormat.of().parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = HexFormat.of().parseHex("070000004041424344454647");
        byte[] aad = HexFormat.of().parseHex("50515253c0c1c2c3c4c5c6c7");
        byte[] plain = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Cipher cipher = ChaChaPolyProvider.newCipher();
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        cipher.updateAAD(aad);
        byte[] sealed = cipher.doFinal(plain);
        assertEquals("1ae10b594f09e26a7e902ecbd0600691",
                HexFormat.of().formatHex(sealed, sealed.length - 16, sealed.length), "tag");
        assertEquals("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6",
                HexFormat.of().formatHex(sealed, 0, 32), "first 32 bytes of ciphertext");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        cipher.updateAAD(aad);
        assertArrayEquals(plain, cipher.doFinal(sealed));
    }
}
