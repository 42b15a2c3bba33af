package org.jlibp2p.core.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.proto.crypto.CryptoProtos;
import org.jlibp2p.proto.record.EnvelopeProtos;

/**
 * A signed envelope (libp2p RFC 0002): a payload, a multicodec naming its type, the signer's public key and a
 * signature over the varint-length-prefixed domain string, payload type and payload. The domain is not sent: the
 * receiver opens the envelope with the domain it expects, so a signature made for one purpose never verifies for
 * another.
 */
public final class Envelope {
    private final PublicKey publicKey;
    private final byte[] payloadType;
    private final byte[] payload;
    private final byte[] signature;

    private Envelope(PublicKey publicKey, byte[] payloadType, byte[] payload, byte[] signature) {
        this.publicKey = publicKey;
        this.payloadType = payloadType;
        this.payload = payload;
        this.signature = signature;
    }

    /**
     * Signs {@code payload} with {@code key} for {@code domain}.
     *
     * @throws IllegalArgumentException if the domain or the payload type is empty
     */
    public static Envelope seal(PrivateKey key, String domain, byte[] payloadType, byte[] payload) {
        Objects.requireNonNull(key, "key");
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("envelope domain must not be empty");
        }
        if (payloadType.length == 0) {
            throw new IllegalArgumentException("envelope payload type must not be empty");
        }
        byte[] type = payloadType.clone();
        byte[] body = payload.clone();
        return new Envelope(key.publicKey(), type, body, key.sign(signedBytes(domain, type, body)));
    }

    /**
     * Decodes a marshalled envelope and verifies its signature for {@code domain}.
     *
     * @throws EnvelopeException if the bytes are not an envelope or its public key is malformed
     * @throws InvalidSignatureException if the signature does not verify for {@code domain}
     */
    public static Envelope open(byte[] bytes, String domain) throws EnvelopeException, InvalidSignatureException {
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("envelope domain must not be empty");
        }
        EnvelopeProtos.Envelope pb;
        try {
            pb = EnvelopeProtos.Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new EnvelopeException("malformed envelope: " + e.getMessage(), e);
        }
        if (!pb.hasPublicKey()) {
            throw new EnvelopeException("envelope has no public key");
        }
        PublicKey key;
        try {
            key = Keys.unmarshalPublicKey(pb.getPublicKey().toByteArray());
        } catch (KeyFormatException e) {
            throw new EnvelopeException("envelope public key: " + e.getMessage(), e);
        }
        Envelope envelope = new Envelope(key, pb.getPayloadType().toByteArray(), pb.getPayload().toByteArray(),
                pb.getSignature().toByteArray());
        if (!key.verify(signedBytes(domain, envelope.payloadType, envelope.payload), envelope.signature)) {
            throw new InvalidSignatureException("envelope signature does not verify for domain '" + domain + "'");
        }
        return envelope;
    }

    /** The bytes a signature covers: domain, payload type and payload, each prefixed by its varint length. */
    static byte[] signedBytes(String domain, byte[] payloadType, byte[] payload) {
        byte[] d = domain.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[Varint.encodedLength(d.length) + d.length + Varint.encodedLength(payloadType.length)
                + payloadType.length + Varint.encodedLength(payload.length) + payload.length];
        int i = 0;
        for (byte[] field : new byte[][] {d, payloadType, payload}) {
            i += Varint.encode(field.length, out, i);
            System.arraycopy(field, 0, out, i, field.length);
            i += field.length;
        }
        return out;
    }

    /** The protobuf encoding of the envelope. */
    public byte[] marshal() {
        CryptoProtos.PublicKey key;
        try {
            key = CryptoProtos.PublicKey.parseFrom(publicKey.marshal());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("a marshalled key always parses", e);
        }
        return EnvelopeProtos.Envelope.newBuilder()
                .setPublicKey(key)
                .setPayloadType(ByteString.copyFrom(payloadType))
                .setPayload(ByteString.copyFrom(payload))
                .setSignature(ByteString.copyFrom(signature))
                .build()
                .toByteArray();
    }

    /** The signer's public key. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The multicodec naming the payload's type; a fresh copy. */
    public byte[] payloadType() {
        return payloadType.clone();
    }

    /** The payload; a fresh copy. */
    public byte[] payload() {
        return payload.clone();
    }

    /** The signature; a fresh copy. */
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope e && publicKey.equals(e.publicKey) && Arrays.equals(payloadType, e.payloadType)
                && Arrays.equals(payload, e.payload) && Arrays.equals(signature, e.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(publicKey, Arrays.hashCode(payloadType), Arrays.hashCode(payload),
                Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "Envelope[signer=" + publicKey + ", payloadType=" + java.util.HexFormat.of().formatHex(payloadType)
                + ", " + payload.length + " payload bytes]";
    }
}
