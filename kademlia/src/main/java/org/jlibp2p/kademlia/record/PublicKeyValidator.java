package org.jlibp2p.kademlia.record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;

/**
 * The {@code /pk/} namespace: the value under {@code "/pk/"} followed by a peer id's bytes (its multihash) must be a
 * marshalled {@code PublicKey} protobuf whose peer id is that multihash. Such records never expire and are all
 * equal: {@link #select} picks the first.
 */
public final class PublicKeyValidator implements Validator {
    /** The key namespace of public key records in the DHT. */
    public static final String NAMESPACE = "pk";

    private static final byte[] KEY_PREFIX = "/pk/".getBytes(StandardCharsets.US_ASCII);

    /** The DHT key of {@code peer}'s public key: {@code "/pk/"} followed by the peer id's bytes. */
    public static byte[] keyFor(PeerId peer) {
        byte[] id = peer.bytes();
        byte[] key = Arrays.copyOf(KEY_PREFIX, KEY_PREFIX.length + id.length);
        System.arraycopy(id, 0, key, KEY_PREFIX.length, id.length);
        return key;
    }

    @Override
    public void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException {
        Objects.requireNonNull(value, "value");
        if (key.length <= KEY_PREFIX.length
                || !Arrays.equals(key, 0, KEY_PREFIX.length, KEY_PREFIX, 0, KEY_PREFIX.length)) {
            throw new InvalidRecordException("not a public key record key (\"/pk/\" and a multihash)");
        }
        byte[] hash = Arrays.copyOfRange(key, KEY_PREFIX.length, key.length);
        try {
            Multihash.fromBytes(hash);
        } catch (FormatException e) {
            throw new InvalidRecordException("public key record key does not end in a multihash: "
                    + e.getMessage(), e);
        }
        PublicKey publicKey;
        try {
            publicKey = Keys.unmarshalPublicKey(value);
        } catch (KeyFormatException e) {
            throw new InvalidRecordException("public key record holds no valid public key: " + e.getMessage(), e);
        }
        byte[] id = PeerId.fromPublicKey(publicKey).bytes();
        if (!Arrays.equals(id, hash)) {
            throw new InvalidRecordException("public key record holds the key of " + PeerId.fromPublicKey(publicKey)
                    + ", not of the peer its key names");
        }
    }

    @Override
    public int select(byte[] key, List<byte[]> values, Instant now) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to select from");
        }
        return 0;
    }
}
