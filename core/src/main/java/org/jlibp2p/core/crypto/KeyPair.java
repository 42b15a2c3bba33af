package org.jlibp2p.core.crypto;

import java.util.Objects;

/** A private key and its public key. */
public record KeyPair(PrivateKey privateKey, PublicKey publicKey) {
    public KeyPair {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        if (!privateKey.publicKey().equals(publicKey)) {
            throw new IllegalArgumentException("the public key does not belong to the private key");
        }
    }

    /** The pair of {@code privateKey} and its public key. */
    public static KeyPair of(PrivateKey privateKey) {
        return new KeyPair(privateKey, privateKey.publicKey());
    }

    /** The key type. */
    public KeyType type() {
        return privateKey.type();
    }
}
