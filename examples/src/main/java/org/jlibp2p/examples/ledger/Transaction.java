package org.jlibp2p.examples.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.peer.PeerId;

/**
 * A transaction of the toy ledger: an opaque payload, signed by its sender's key (the node's identity key, Ed25519
 * by default). The nonce makes two transactions with the same payload different.
 *
 * @param sender the sender's public key, marshalled (the libp2p {@code PublicKey} protobuf)
 * @param nonce any number the sender picks, unique among its transactions
 * @param payload at most {@link LedgerCodec#MAX_PAYLOAD} bytes
 * @param signature the sender's signature over {@link #signedBytes()}
 */
public record Transaction(byte[] sender, long nonce, byte[] payload, byte[] signature) {
    private static final byte[] DOMAIN = "jlibp2p-ledger-tx:".getBytes(StandardCharsets.US_ASCII);

    public Transaction {
        if (sender.length == 0 || sender.length > LedgerCodec.MAX_KEY || payload.length > LedgerCodec.MAX_PAYLOAD
                || signature.length > LedgerCodec.MAX_SIGNATURE) {
            throw new IllegalArgumentException("a transaction field is empty or over its limit");
        }
        sender = sender.clone();
        payload = payload.clone();
        signature = signature.clone();
    }

    /** A transaction of {@code payload}, signed with {@code key}. */
    public static Transaction sign(PrivateKey key, long nonce, byte[] payload) {
        byte[] sender = key.publicKey().marshal();
        byte[] toSign = signedBytes(sender, nonce, payload);
        return new Transaction(sender, nonce, payload, key.sign(toSign));
    }

    /** Whether the signature is the sender's over this transaction's content. */
    public boolean verify() {
        try {
            PublicKey key = Keys.unmarshalPublicKey(sender);
            return key.verify(signedBytes(), signature);
        } catch (KeyFormatException e) {
            return false;
        }
    }

    /** The sender's peer id; throws {@link KeyFormatException} when the key is not a valid one. */
    public PeerId senderId() throws KeyFormatException {
        return PeerId.fromPublicKey(Keys.unmarshalPublicKey(sender));
    }

    /** What the signature covers: a domain tag, then the encoding of sender, nonce and payload. */
    public byte[] signedBytes() {
        return signedBytes(sender, nonce, payload);
    }

    private static byte[] signedBytes(byte[] sender, long nonce, byte[] payload) {
        byte[] body = LedgerCodec.encodeUnsigned(sender, nonce, payload);
        byte[] out = Arrays.copyOf(DOMAIN, DOMAIN.length + body.length);
        System.arraycopy(body, 0, out, DOMAIN.length, body.length);
        return out;
    }

    /** The transaction's id: SHA-256 of its encoding, signature included. */
    public Hash id() {
        return Hash.of(LedgerCodec.encode(this));
    }

    @Override
    public byte[] sender() {
        return sender.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transaction t && nonce == t.nonce && Arrays.equals(sender, t.sender)
                && Arrays.equals(payload, t.payload) && Arrays.equals(signature, t.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "Transaction[" + id().shortHex() + ", nonce " + nonce + ", " + payload.length + " bytes]";
    }
}
