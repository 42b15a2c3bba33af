package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.junit.jupiter.api.Timeout;

/**
 * Peer ids from bytes and from text (base58 and CID forms): what parses round-trips, and an inlined key that
 * extracts matches its peer id.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeerIdFuzzTest {
    @FuzzTest
    void parse(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        Checks.allocatesAtMost(Checks.bound(input.length, 1024 * 1024, 1024), () -> {
            Optional<PeerId> binary = Checks.expect(() -> PeerId.fromBytes(input), PeerIdException.class);
            binary.ifPresent(PeerIdFuzzTest::roundTrips);
            Optional<PeerId> textual = Checks.expect(() -> PeerId.parse(text), PeerIdException.class);
            textual.ifPresent(PeerIdFuzzTest::roundTrips);
        });
    }

    private static void roundTrips(PeerId id) {
        try {
            assertEquals(id, PeerId.fromBytes(id.bytes()));
            assertEquals(id, PeerId.parse(id.toBase58()));
            assertEquals(id, PeerId.parse(id.toCidString()));
        } catch (PeerIdException e) {
            throw new AssertionError("a parsed peer id does not parse back: " + id, e);
        }
        Optional<PublicKey> key = id.extractPublicKey();
        key.ifPresent(k -> assertTrue(id.matches(k), "the inlined key of " + id + " gives it back"));
    }
}
