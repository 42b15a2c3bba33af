package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.fuzz.Checks;
import org.junit.jupiter.api.Timeout;

/**
 * IPNS records as a peer stores or returns them (PUT_VALUE, GET_VALUE): decoding, DAG-CBOR included, fails only with
 * an {@link InvalidRecordException}, a decoded record re-encodes to the same bytes, and validating it under any name
 * fails only with that exception too.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IpnsRecordFuzzTest {
    private static final PeerId NAME = PeerId.fromPublicKey(Keys.ed25519FromSeed(new byte[32]).publicKey());
    private static final IpnsValidator VALIDATOR = new IpnsValidator();

    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<IpnsRecord> r = Checks.expect(() -> IpnsRecord.decode(input), InvalidRecordException.class);
            if (r.isPresent()) {
                byte[] once = r.get().encode();
                assertArrayEquals(once, IpnsRecord.decode(once).encode(), "a decoded record re-encodes stably");
                Checks.expectRun(() -> VALIDATOR.validate(IpnsRecord.keyFor(NAME), input, Instant.EPOCH),
                        InvalidRecordException.class);
            }
        });
    }
}
