package org.jlibp2p.core.crypto;

/**
 * A private key of one of the libp2p key types. Two keys are equal when their {@link #marshal() encodings} are;
 * {@code toString()} never shows key material. Implementations are immutable and thread-safe.
 */
public sealed interface PrivateKey
        permits Ed25519PrivateKey, Secp256k1PrivateKey, EcdsaPrivateKey, RsaPrivateKey {
    /** The key type. */
    KeyType type();

    /** Signs {@code data} with the signature scheme of the key type. */
    byte[] sign(byte[] data);

    /** The matching public key. */
    PublicKey publicKey();

    /** The key in the encoding of its type (the {@code Data} field of the protobuf); a fresh copy. */
    byte[] raw();

    /** The deterministic {@code PrivateKey} protobuf: type, then data. A fresh copy. */
    byte[] marshal();
}
