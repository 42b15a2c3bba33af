package org.jlibp2p.core.crypto;

import java.util.Optional;

/** The key types of the libp2p {@code KeyType} protobuf enum, with their wire numbers. */
public enum KeyType {
    RSA(0),
    ED25519(1),
    SECP256K1(2),
    ECDSA(3);

    private final int code;

    KeyType(int code) {
        this.code = code;
    }

    /** The enum value on the wire. */
    public int code() {
        return code;
    }

    /** The key type with wire number {@code code}, if there is one. */
    public static Optional<KeyType> fromCode(long code) {
        for (KeyType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
