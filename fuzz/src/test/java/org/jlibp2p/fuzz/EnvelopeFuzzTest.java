package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.core.record.EnvelopeException;
import org.jlibp2p.core.record.InvalidSignatureException;
import org.jlibp2p.core.record.PeerRecord;
import org.junit.jupiter.api.Timeout;

/**
 * Signed envelopes and peer records. The input is read three ways: as a marshalled envelope (its signature rarely
 * verifies, so this reaches the envelope and key decoding), as a peer record payload, and as the payload of an
 * envelope signed here for it (which reaches the record checks behind a good signature).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EnvelopeFuzzTest {
    private static final KeyPair SIGNER = Keys.generateEd25519();

    @FuzzTest
    void open(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<Envelope> envelope = Checks.expect(() -> Envelope.open(input, PeerRecord.DOMAIN),
                    EnvelopeException.class, InvalidSignatureException.class);
            envelope.ifPresent(e -> assertEquals(e, reopen(e.marshal())));
            Checks.expect(() -> PeerRecord.consume(input), EnvelopeException.class, InvalidSignatureException.class);

            Optional<PeerRecord> record = Checks.expect(() -> PeerRecord.unmarshal(input), EnvelopeException.class);
            if (record.isPresent()) {
                PeerRecord r = record.get();
                assertEquals(r, PeerRecord.unmarshal(r.marshal()), "a decoded record marshals back to itself");
            }

            byte[] sealed = Envelope.seal(SIGNER.privateKey(), PeerRecord.DOMAIN, PeerRecord.payloadType(), input)
                    .marshal();
            Optional<PeerRecord> signed = Checks.expect(() -> PeerRecord.consume(sealed), EnvelopeException.class);
            if (signed.isPresent()) {
                assertTrue(signed.get().peerId().matches(SIGNER.publicKey()), "only the signer's own record passes");
            }
            Envelope opened = Envelope.open(sealed, PeerRecord.DOMAIN);
            assertArrayEquals(input, opened.payload(), "a good envelope gives its payload back");
        });
    }

    private static Envelope reopen(byte[] marshalled) {
        try {
            return Envelope.open(marshalled, PeerRecord.DOMAIN);
        } catch (Exception e) {
            throw new AssertionError("an opened envelope does not open again once re-marshalled", e);
        }
    }
}
