package org.jlibp2p.kademlia.record;

import java.security.SecureRandom;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;

/** One key of each type, made once (RSA takes a while), from a fixed seed. */
final class TestKeys {
    private TestKeys() {}

    static final PrivateKey ED25519 = Keys.ed25519FromSeed(new byte[32]).privateKey();
    static final PrivateKey OTHER_ED25519 = Keys.ed25519FromSeed(seed(1)).privateKey();
    static final PrivateKey SECP256K1 = Keys.generateSecp256k1(random(2)).privateKey();
    static final PrivateKey ECDSA = Keys.generateEcdsa(random(3)).privateKey();
    static final PrivateKey RSA = Keys.generateRsa(2048, random(4)).privateKey();
    static final PrivateKey OTHER_RSA = Keys.generateRsa(2048, random(5)).privateKey();
    static final List<PrivateKey> ALL = List.of(ED25519, SECP256K1, ECDSA, RSA);

    private static byte[] seed(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        return seed;
    }

    private static SecureRandom random(int n) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed(n));
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
