package org.jlibp2p.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.record.InvalidRecordException;
import org.jlibp2p.kademlia.record.IpnsRecord;
import org.jlibp2p.kademlia.record.IpnsValidator;
import org.jlibp2p.kademlia.record.NamespacedValidator;
import org.jlibp2p.kademlia.record.PublicKeyValidator;
import org.jlibp2p.proto.ipns.IpnsProtos.IpnsEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPNS records and DHT record keys against js: the {@code ipns} package js-libp2p and Helia use (its
 * {@code createIPNSRecordWithExpiration}, {@code ipnsValidator}, {@code ipnsSelector}) and libp2p's
 * {@code getPublicKey}, through {@code interop/js/ipns.mjs}. ECDSA is left out: js signs it in another format (see
 * the keys interop test).
 */
@Timeout(120)
class JsIpnsInteropTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Gson GSON = new Gson();
    private static final String VALUE = "/ipfs/bafkqaddwgevxmmraojswg33smq";
    private static final String VALIDITY = "2123-01-01T00:00:00.123456789Z";
    private static final String EXPIRED = "2020-01-01T00:00:00Z";
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final long NODE_SECONDS = 60;

    @TempDir
    Path dir;

    /** Records js makes pass our validator (or fail it, when expired), read as js wrote them, byte for byte ours. */
    @Test
    void javaValidatesAndRemakesJsRecords() throws Exception {
        JsonArray keys = GSON.fromJson(node("make", VALIDITY, EXPIRED), JsonArray.class);
        assertEquals(3, keys.size(), keys.toString());
        NamespacedValidator validator = NamespacedValidator.defaults();
        Instant now = Instant.now();
        for (JsonElement e : keys) {
            JsonObject k = e.getAsJsonObject();
            String type = k.get("type").getAsString();
            PrivateKey key = Keys.unmarshalPrivateKey(HEX.parseHex(k.get("privateKey").getAsString()));
            PeerId name = PeerId.parse(k.get("peerId").getAsString());
            assertEquals(name, PeerId.fromPublicKey(key.publicKey()), type);
            assertEquals(k.get("routingKey").getAsString(), HEX.formatHex(IpnsRecord.keyFor(name)),
                    type + ": the /ipns/ key js computes");
            byte[] routingKey = IpnsRecord.keyFor(name);
            List<byte[]> valid = new ArrayList<>();
            for (JsonElement r : k.getAsJsonArray("records")) {
                String kind = r.getAsJsonObject().get("kind").getAsString();
                long sequence = Long.parseLong(r.getAsJsonObject().get("sequence").getAsString());
                byte[] bytes = HEX.parseHex(r.getAsJsonObject().get("bytes").getAsString());
                IpnsRecord record = IpnsRecord.decode(bytes);
                String what = type + " " + kind;
                assertEquals(VALUE, new String(record.value(), StandardCharsets.US_ASCII), what);
                assertEquals(sequence, record.sequence(), what);
                assertEquals(TTL, record.ttl(), what);
                assertEquals(kind.equals("v2"), record.signatureV1().length == 0, what);
                assertEquals(key.type() == KeyType.RSA, record.publicKey().isPresent(), what);
                assertArrayEquals(bytes, record.encode(), what + ": encoded again");
                if (kind.equals("expired")) {
                    assertEquals(Instant.parse(EXPIRED), record.validity(), what);
                    InvalidRecordException refused = assertThrows(InvalidRecordException.class,
                            () -> validator.validate(routingKey, bytes, now), what);
                    assertTrue(refused.getMessage().contains("expired"), refused.getMessage());
                    continue;
                }
                assertEquals(Instant.parse(VALIDITY), record.validity(), what);
                validator.validate(routingKey, bytes, now);
                valid.add(bytes);
                // Ed25519 and RSA (PKCS#1 v1.5) signatures are deterministic, and so are secp256k1's on both sides
                // (RFC 6979, low s): the same key and fields make the same bytes here
                IpnsRecord ours = IpnsRecord.create(key, VALUE.getBytes(StandardCharsets.US_ASCII), sequence,
                        Instant.parse(VALIDITY), TTL);
                if (kind.equals("v2")) {
                    ours = new IpnsRecord(ours.value(), ours.validity(), ours.sequence(), ours.ttl(), ours.publicKey(),
                            ours.signatureV2(), ours.data());
                }
                assertEquals(HEX.formatHex(bytes), HEX.formatHex(ours.encode()), what + ": made here");
            }
            assertEquals(2, valid.size(), type);
            assertEquals(1, validator.select(routingKey, valid, now), type + ": the higher sequence");
        }
    }

    /** Records we make pass js's ipnsValidator, or fail it for the same reasons as ours; js selects as we do. */
    @Test
    void jsValidatesJavaRecords() throws Exception {
        Instant now = Instant.now();
        List<PrivateKey> keys = List.of(Keys.generateEd25519().privateKey(), Keys.generateSecp256k1().privateKey(),
                Keys.generateRsa(2048).privateKey());
        PrivateKey stranger = Keys.generateEd25519().privateKey();
        List<Case> cases = new ArrayList<>();
        List<List<byte[]>> selections = new ArrayList<>();
        for (PrivateKey key : keys) {
            byte[] routingKey = IpnsRecord.keyFor(PeerId.fromPublicKey(key.publicKey()));
            String type = key.type().toString();
            IpnsRecord v1v2 = record(key, 3, VALIDITY);
            cases.add(new Case(type + " v1v2", routingKey, v1v2.encode(), true));
            IpnsRecord v2 = new IpnsRecord(v1v2.value(), v1v2.validity(), v1v2.sequence(), v1v2.ttl(),
                    v1v2.publicKey(), v1v2.signatureV2(), v1v2.data());
            cases.add(new Case(type + " v2", routingKey, v2.encode(), true));
            cases.add(new Case(type + " expired", routingKey, record(key, 4, EXPIRED).encode(), false));
            byte[] signature = v1v2.signatureV2();
            signature[signature.length / 2] ^= 1;
            byte[] tampered = IpnsEntry.parseFrom(v1v2.encode()).toBuilder()
                    .setSignatureV2(com.google.protobuf.ByteString.copyFrom(signature)).build().toByteArray();
            cases.add(new Case(type + " tampered", routingKey, tampered, false));
            cases.add(new Case(type + " another key's", routingKey, record(stranger, 3, VALIDITY).encode(), false));
            selections.add(List.of(record(key, 1, VALIDITY).encode(), record(key, 3, VALIDITY).encode(),
                    record(key, 2, VALIDITY).encode()));
            selections.add(List.of(record(key, 2, "2123-01-01T00:00:00Z").encode(),
                    record(key, 2, "2123-01-02T00:00:00Z").encode(), record(key, 1, "2124-01-01T00:00:00Z").encode()));
        }
        PrivateKey rsa = keys.get(2);
        byte[] bare = IpnsEntry.parseFrom(record(rsa, 3, VALIDITY).encode()).toBuilder().clearPubKey().build()
                .toByteArray();
        cases.add(new Case("RSA without its key", IpnsRecord.keyFor(PeerId.fromPublicKey(rsa.publicKey())), bare,
                false));

        List<Map<String, String>> records = new ArrayList<>();
        for (Case c : cases) {
            records.add(Map.of("routingKey", HEX.formatHex(c.routingKey()), "record", HEX.formatHex(c.record())));
        }
        List<List<String>> sets = selections.stream().map(s -> s.stream().map(HEX::formatHex).toList()).toList();
        JsonObject out = check(Map.of("records", records, "selections", sets, "pkPeers", List.of()));

        JsonArray results = out.getAsJsonArray("records");
        IpnsValidator ours = new IpnsValidator();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            JsonObject js = results.get(i).getAsJsonObject();
            assertEquals(c.valid(), js.get("valid").getAsBoolean(), c.name() + ": js says " + js);
            boolean oursValid = true;
            try {
                ours.validate(c.routingKey(), c.record(), now);
            } catch (InvalidRecordException e) {
                oursValid = false;
            }
            assertEquals(c.valid(), oursValid, c.name() + ": we say");
            if (js.has("value")) {
                IpnsRecord record = IpnsRecord.decode(c.record());
                assertEquals(new String(record.value(), StandardCharsets.US_ASCII), js.get("value").getAsString(),
                        c.name());
                assertEquals(record.validity(), Instant.parse(js.get("validity").getAsString()), c.name());
                assertEquals(Long.toUnsignedString(record.sequence()), js.get("sequence").getAsString(), c.name());
                assertEquals(String.valueOf(record.ttl().toNanos()), js.get("ttl").getAsString(), c.name());
            }
        }
        JsonArray picked = out.getAsJsonArray("selections");
        for (int i = 0; i < selections.size(); i++) {
            byte[] key = IpnsRecord.keyFor(PeerId.fromPublicKey(keys.get(i / 2).publicKey()));
            assertEquals(ours.select(key, selections.get(i), now), picked.get(i).getAsInt(), "selection " + i);
        }
    }

    /**
     * The {@code /pk/} key libp2p asks its content routers for is the one we validate under, and it accepts the
     * public key our validator accepts there and refuses the one ours refuses.
     */
    @Test
    void publicKeyRecordKeysMatchJs() throws Exception {
        PrivateKey rsa = Keys.generateRsa(2048).privateKey();
        PrivateKey other = Keys.generateRsa(2048).privateKey();
        PeerId peer = PeerId.fromPublicKey(rsa.publicKey());
        byte[] key = PublicKeyValidator.keyFor(peer);
        List<Map<String, String>> peers = List.of(
                Map.of("peerId", peer.toString(), "publicKey", HEX.formatHex(rsa.publicKey().marshal())),
                Map.of("peerId", peer.toString(), "publicKey", HEX.formatHex(other.publicKey().marshal())));
        JsonArray pk = check(Map.of("records", List.of(), "selections", List.of(), "pkPeers", peers))
                .getAsJsonArray("pk");

        JsonObject right = pk.get(0).getAsJsonObject();
        assertEquals(List.of(HEX.formatHex(key)), strings(right.getAsJsonArray("keys")), "the key js asks for");
        assertEquals(HEX.formatHex(rsa.publicKey().marshal()), right.get("publicKey").getAsString());
        new PublicKeyValidator().validate(key, rsa.publicKey().marshal(), Instant.now());

        JsonObject wrong = pk.get(1).getAsJsonObject();
        assertEquals(List.of(HEX.formatHex(key)), strings(wrong.getAsJsonArray("keys")));
        assertFalse(wrong.has("publicKey"), "js refuses another peer's key: " + wrong);
        assertThrows(InvalidRecordException.class,
                () -> new PublicKeyValidator().validate(key, other.publicKey().marshal(), Instant.now()));
    }

    private record Case(String name, byte[] routingKey, byte[] record, boolean valid) {}

    private static IpnsRecord record(PrivateKey key, long sequence, String validity) {
        return IpnsRecord.create(key, VALUE.getBytes(StandardCharsets.US_ASCII), sequence, Instant.parse(validity),
                TTL);
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsString()));
        return out;
    }

    private JsonObject check(Object input) throws Exception {
        Path file = dir.resolve("input.json");
        Files.writeString(file, GSON.toJson(input));
        return GSON.fromJson(node("check", file.toString()), JsonObject.class);
    }

    /** Runs {@code node ipns.mjs args...} in interop/js and returns its standard output. */
    private static String node(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(JsPeer.node().toString(), "ipns.mjs"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(JsPeer.jsDir().toFile()).start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        if (!process.waitFor(NODE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("node ipns.mjs " + String.join(" ", args) + " did not finish within " + NODE_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            fail("node ipns.mjs " + String.join(" ", args) + " exited with " + process.exitValue() + ":\n"
                    + new String(err.join(), StandardCharsets.UTF_8));
        }
        return new String(out.join(), StandardCharsets.UTF_8);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
