package org.jlibp2p.core.crypto;

import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.multiformats.VarintException;

/**
 * The {@code PublicKey} / {@code PrivateKey} protobuf messages, encoded by hand so that the encoding is the
 * deterministic one the spec requires (field 1 then field 2, minimal varints) and decoding is strict: both fields
 * exactly once, no other field, minimal varints, known key type.
 */
final class KeyProto {
    private static final int TYPE_TAG = 1 << 3; // field 1, varint
    private static final int DATA_TAG = 2 << 3 | 2; // field 2, length-delimited

    private KeyProto() {}

    record Decoded(KeyType type, byte[] data) {}

    static byte[] encode(KeyType type, byte[] data) {
        int lengthBytes = Varint.encodedLength(data.length);
        byte[] out = new byte[2 + 1 + lengthBytes + data.length];
        int i = 0;
        out[i++] = TYPE_TAG;
        out[i++] = (byte) type.code();
        out[i++] = DATA_TAG;
        i += Varint.encode(data.length, out, i);
        System.arraycopy(data, 0, out, i, data.length);
        return out;
    }

    /** Decodes a key message; {@code what} names it in error messages ("public key", "private key"). */
    static Decoded decode(byte[] bytes, String what) throws KeyFormatException {
        KeyType type = null;
        byte[] data = null;
        int pos = 0;
        try {
            while (pos < bytes.length) {
                Varint.Decoded tag = Varint.decode(bytes, pos, bytes.length);
                pos += tag.length();
                if (tag.value() == TYPE_TAG) {
                    if (type != null) {
                        throw new KeyFormatException(what + " protobuf has the Type field twice");
                    }
                    Varint.Decoded code = Varint.decode(bytes, pos, bytes.length);
                    pos += code.length();
                    long c = code.value();
                    type = KeyType.fromCode(c)
                            .orElseThrow(() -> new KeyFormatException("unknown key type " + c + " in " + what));
                } else if (tag.value() == DATA_TAG) {
                    if (data != null) {
                        throw new KeyFormatException(what + " protobuf has the Data field twice");
                    }
                    Varint.Decoded length = Varint.decode(bytes, pos, bytes.length);
                    pos += length.length();
                    if (length.value() > bytes.length - pos) {
                        throw new KeyFormatException(what + " Data field claims " + length.value()
                                + " bytes but only " + (bytes.length - pos) + " remain");
                    }
                    data = new byte[(int) length.value()];
                    System.arraycopy(bytes, pos, data, 0, data.length);
                    pos += data.length;
                } else {
                    throw new KeyFormatException(what + " protobuf has an unexpected field (tag " + tag.value() + ")");
                }
            }
        } catch (VarintException e) {
            throw new KeyFormatException("malformed " + what + " protobuf: " + e.getMessage(), e);
        }
        if (type == null) {
            throw new KeyFormatException(what + " protobuf lacks the required Type field");
        }
        if (data == null) {
            throw new KeyFormatException(what + " protobuf lacks the required Data field");
        }
        return new Decoded(type, data);
    }
}
