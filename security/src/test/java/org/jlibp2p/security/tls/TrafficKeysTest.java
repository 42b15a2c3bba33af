package org.jlibp2p.security.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsCryptoUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The record protection after the handshake, for every cipher suite the channel offers. */
@Timeout(30)
class TrafficKeysTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8448 section 3: the server's application traffic secret and the key and IV derived from it. */
    @Test
    void keyAndIvOfRfc8448() {
        byte[] secret = HEX.parseHex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
        assertEquals("9f02283b6c9c07efc26bb9f2ac92e356", HEX.formatHex(TrafficKeys.expandLabel(
                TrafficKeys.Suite.AES_128_GCM_SHA256, secret, "key", 16)));
        assertEquals("cf782b88dd83549aadf1e984", HEX.formatHex(TrafficKeys.expandLabel(
                TrafficKeys.Suite.AES_128_GCM_SHA256, secret, "iv", 12)));
    }

    /** HKDF-Expand-Label agrees with BouncyCastle's, which the handshake uses, for both hashes. */
    @ParameterizedTest
    @EnumSource(TrafficKeys.Suite.class)
    void expandLabelAgreesWithBouncyCastle(TrafficKeys.Suite suite) throws Exception {
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        int hash = suite.hashLength == 48 ? CryptoHashAlgorithm.sha384 : CryptoHashAlgorithm.sha256;
        Random random = new Random(5);
        for (int i = 0; i < 10; i++) {
            byte[] secret = new byte[suite.hashLength];
            random.nextBytes(secret);
            for (String label : new String[] {"key", "iv", "traffic upd"}) {
                int length = label.equals("iv") ? 12 : label.equals("key") ? suite.keyLength : suite.hashLength;
                byte[] theirs = TlsCryptoUtils.hkdfExpandLabel(crypto.createSecret(secret.clone()), hash, label,
                        new byte[0], length).extract();
                assertArrayEquals(theirs, TrafficKeys.expandLabel(suite, secret, label, length), label);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TrafficKeys.Suite.class)
    void recordsRoundTripAndKeyUpdatesStayInStep(TrafficKeys.Suite suite) throws Exception {
        byte[] secret = new byte[suite.hashLength];
        new Random(6).nextBytes(secret);
        TrafficKeys sealer = new TrafficKeys(suite, secret.clone(), true);
        TrafficKeys opener = new TrafficKeys(suite, secret.clone(), false);
        byte[] data = new byte[TlsSession.MAX_PLAINTEXT];
        new Random(7).nextBytes(data);
        byte[] record = new byte[5 + data.length + 1 + 16];
        byte[] out = new byte[data.length + 1];
        for (int i = 0; i < 4; i++) {
            int buffered = 100 * i; // part of the plaintext already in place, the rest gathered from data
            System.arraycopy(data, 0, record, 5, buffered);
            int n = sealer.seal(record, 0, buffered, data, buffered, 1000 - buffered, TlsSession.APPLICATION_DATA);
            assertEquals(1000 + 1 + 16, n);
            assertEquals(TlsSession.APPLICATION_DATA, record[0]);
            assertEquals(n, (record[3] & 0xFF) << 8 | (record[4] & 0xFF));
            assertEquals(1001, opener.open(record, 0, n, out, 0));
            assertArrayEquals(Arrays.copyOf(data, 1000), Arrays.copyOf(out, 1000));
            assertEquals(TlsSession.APPLICATION_DATA, out[1000]);
            if (i == 1) {
                sealer.update();
                opener.update();
            }
        }
        // A record opened out of turn (its number is not the next one) fails, as does a flipped bit.
        int n = sealer.seal(record, 0, 0, data, 0, 10, TlsSession.APPLICATION_DATA);
        byte[] copy = record.clone();
        sealer.seal(record, 0, 0, data, 0, 10, TlsSession.APPLICATION_DATA);
        assertThrows(TlsException.class, () -> opener.open(record, 0, n, out, 0));
        TrafficKeys fresh = new TrafficKeys(suite, secret.clone(), false);
        copy[7] ^= 1;
        assertThrows(TlsException.class, () -> fresh.open(copy, 0, n, out, 0));
    }
}
