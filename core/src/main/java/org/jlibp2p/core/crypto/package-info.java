/**
 * libp2p keys as the peer-ids spec defines them: Ed25519, Secp256k1, ECDSA and RSA key pairs, their deterministic
 * {@code PublicKey} / {@code PrivateKey} protobuf encodings, signing and verification, and key files.
 */
package org.jlibp2p.core.crypto;
