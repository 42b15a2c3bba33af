package org.jlibp2p.core.crypto;

/**
 * A public key of one of the libp2p key types. Two keys are equal when their {@link #marshal() encodings} are.
 * Implementations are immutable and thread-safe.
 */
public sealed interface PublicKey
        permits Ed25519PublicKey, Secp256k1PublicKey, EcdsaPublicKey, RsaPublicKey {
    /** The key type. */
    KeyType type();

    /**
     * Whether {@code signature} is a valid signature of {@code data} by this key, with the signature scheme of the
     * key type. A malformed signature is simply not valid.
     */
    boolean verify(byte[] data, byte[] signature);

    /** The key in the encoding of its type (the {@code Data} field of the protobuf); a fresh copy. */
    byte[] raw();

    /** The deterministic {@code PublicKey} protobuf: type, then data. A fresh copy. */
    byte[] marshal();
}
