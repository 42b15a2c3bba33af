package org.jlibp2p.core.peer;

import static org.jlibp2p.core.crypto.SpecVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.crypto.SpecVectors;
import org.jlibp2p.core.multiformats.Multibase;
import org.jlibp2p.core.multiformats.Multihash;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PeerIdTest {
    /**
     * Peer ids of the peer-ids spec's test vector keys (SpecVectors), as js-libp2p prints them:
     * JsKeysInteropTest.specVectorPeerIdsAsJsPrintsThem has {@code @libp2p/peer-id} derive the base58, base32 and
     * base36 forms of the same keys and compares them with this encoder. js makes no peer ids of ECDSA keys; its row
     * follows the spec's rule (a SHA-256 multihash of the marshalled key, which is over 42 bytes).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ED25519, 12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq, "
                + "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6, "
                + "k51qzi5uqu5dgy8qsq67hbz73jqkw87l3fgf4a91qb0d9b5173tir7n4vxk1oe",
        "SECP256K1, 16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY, "
                + "bafzaajiiaijcca3xo7uzjzcsyilaj6i54cj44qk7kqzpoao5rti2pjx6udtdbp6kte, "
                + "kzwfwjn5ji4put13uvtwtc7azzwk42cq2o8ctfnxa6q8n90e72o3pjqbrp3lpcp",
        "RSA, QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG, "
                + "bafzbeifwzcumbiyql7bhv7fe7mixg6i7aohegq75k234m63bnw6dbicmzu, "
                + "k2k4r8nz0pc9sm08wgacijx1ic8vxy9e2770otjszhz1nodfs0brtvpp",
        "ECDSA, QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk, "
                + "bafzbeidigywdclqvl5hxfefwp5onbffcfife7pza57mmfb4tiqmtkdjw64, ",
    })
    void specVectorKeys(KeyType type, String base58, String base32, String base36) throws Exception {
        String hex = switch (type) {
            case ED25519 -> SpecVectors.ED25519_PUBLIC;
            case SECP256K1 -> SpecVectors.SECP256K1_PUBLIC;
            case RSA -> SpecVectors.RSA_PUBLIC;
            case ECDSA -> SpecVectors.ECDSA_PUBLIC;
        };
        PublicKey key = Keys.unmarshalPublicKey(bytes(hex));
        PeerId id = PeerId.fromPublicKey(key);
        assertEquals(base58, id.toBase58());
        assertEquals(base58, id.toString());
        assertEquals(base32, id.toCidString());
        assertEquals(id, PeerId.parse(base58));
        assertEquals(id, PeerId.parse(base32));
        assertEquals(id, PeerId.fromBytes(id.bytes()));
        if (base36 != null) {
            assertEquals(base36, id.toCidString(Multibase.Encoding.BASE36));
            assertEquals(id, PeerId.parse(base36));
        }
        assertTrue(id.matches(key));
        boolean inline = type == KeyType.ED25519 || type == KeyType.SECP256K1;
        assertEquals(inline ? java.util.Optional.of(key) : java.util.Optional.empty(), id.extractPublicKey());
    }

    @Test
    void specExamples() throws Exception {
        PeerId cid = PeerId.parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
        assertEquals("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", cid.toBase58());
        assertEquals(cid, PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"));
        assertEquals("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", cid.toCidString());
        assertTrue(cid.extractPublicKey().isEmpty());

        PeerId ed = PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        PublicKey key = ed.extractPublicKey().orElseThrow();
        assertEquals(KeyType.ED25519, key.type());
        assertEquals("2ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b",
                HexFormat.of().formatHex(key.raw()));
        assertEquals("bafzaajaiaejcal72gwuz2or47oyxxn6b3rkwdmmkrxgkjxzy3rqt5kczyn7lcm3l", ed.toCidString());
        assertTrue(ed.matches(key));
        assertFalse(ed.matches(Keys.generateEd25519().publicKey()));
    }

    @Test
    void refusesWhatIsNotAPeerId() {
        List<String> bad = List.of(
                "",
                "Qm",
                "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5", // truncated
                "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N0", // '0' is not base58
                "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", // a dag-pb CID, not libp2p-key
                "xyz",
                "1".repeat(200));
        for (String text : bad) {
            assertThrows(PeerIdException.class, () -> PeerId.parse(text), text);
        }
        // sha2-512 multihash: not a peer id.
        assertThrows(PeerIdException.class, () -> PeerId.fromBytes(Multihash.sha512(new byte[1]).bytes()));
        // identity multihash of something that is not a key.
        assertThrows(PeerIdException.class, () -> PeerId.fromBytes(Multihash.identity(new byte[10]).bytes()));
        // identity multihash of an uncompressed secp256k1 key: valid key, non-canonical encoding.
        byte[] raw = bytes("08021241" + "04" + "00".repeat(64));
        assertThrows(PeerIdException.class, () -> PeerId.fromBytes(Multihash.identity(raw).bytes()));
        assertThrows(PeerIdException.class, () -> PeerId.fromBytes(new byte[0]));
    }

    @Test
    void ordersByBytes() throws Exception {
        PeerId a = PeerId.fromBytes(Multihash.sha256(new byte[] {1}).bytes());
        PeerId b = PeerId.fromBytes(Multihash.sha256(new byte[] {2}).bytes());
        assertEquals(Integer.signum(java.util.Arrays.compareUnsigned(a.bytes(), b.bytes())),
                Integer.signum(a.compareTo(b)));
        assertEquals(0, a.compareTo(PeerId.fromBytes(a.bytes())));
        assertArrayEquals(a.bytes(), a.multihash().bytes());
    }

    @Provide
    Arbitrary<KeyPair> keyPairs() {
        return Arbitraries.longs().flatMap(seed -> Arbitraries.of(KeyType.ED25519, KeyType.SECP256K1, KeyType.ECDSA)
                .map(type -> Keys.generate(type, seeded(seed))));
    }

    static SecureRandom seeded(long seed) {
        return new SecureRandom() {
            private final Random random = new Random(seed);

            @Override
            public void nextBytes(byte[] bytes) {
                random.nextBytes(bytes);
            }
        };
    }

    @Property(tries = 200)
    void textFormsRoundTrip(@ForAll("keyPairs") KeyPair pair) throws Exception {
        PeerId id = PeerId.fromPublicKey(pair.publicKey());
        assertEquals(id, PeerId.parse(id.toBase58()));
        assertEquals(id, PeerId.parse(id.toCidString()));
        for (Multibase.Encoding e : Multibase.Encoding.values()) {
            assertEquals(id, PeerId.parse(id.toCidString(e)), e.toString());
        }
        assertEquals(id, PeerId.fromBytes(id.bytes()));
        assertTrue(id.matches(pair.publicKey()));
        String prefix = switch (pair.type()) {
            case ED25519 -> "12D3KooW";
            case SECP256K1 -> "16Uiu2HA";
            default -> "Qm";
        };
        assertTrue(id.toBase58().startsWith(prefix), id.toBase58());
        assertTrue(id.toCidString().startsWith("bafz"), id.toCidString());
    }
}
