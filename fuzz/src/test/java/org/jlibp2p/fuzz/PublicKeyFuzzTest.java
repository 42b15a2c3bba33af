package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Timeout;

/**
 * Public keys in their protobuf form, as peers send them (identify, Noise payloads, envelopes): decoding fails only
 * with {@link KeyFormatException}; a decoded key re-marshals to a key equal to it, gives a peer id, and answers a
 * forged signature with false rather than an exception.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PublicKeyFuzzTest {
    private static final byte[] MESSAGE = "a message no key here signed".getBytes();

    @FuzzTest
    void unmarshal(FuzzedDataProvider data) throws Exception {
        byte[] signature = data.consumeBytes(data.consumeInt(0, 1024));
        byte[] input = data.consumeRemainingAsBytes();
        Checks.allocatesAtMost(Checks.bound(input.length + signature.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<PublicKey> key = Checks.expect(() -> Keys.unmarshalPublicKey(input), KeyFormatException.class);
            if (key.isPresent()) {
                PublicKey k = key.get();
                assertEquals(k, Keys.unmarshalPublicKey(k.marshal()), "a decoded key marshals back to itself");
                PeerId.fromPublicKey(k);
                assertFalse(k.verify(MESSAGE, signature), "a signature from the fuzzer verifies");
            }
        });
    }
}
