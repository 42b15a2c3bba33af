package org.jlibp2p.core.multiformats;

import java.util.Optional;

/**
 * The entries of the multicodec table the stack uses outside multiaddrs (the multiaddr protocol codes live in
 * {@code org.jlibp2p.core.multiaddr.Protocol}).
 */
public enum Multicodec {
    IDENTITY(0x00, "identity"),
    CIDV1(0x01, "cidv1"),
    CIDV2(0x02, "cidv2"),
    SHA2_256(0x12, "sha2-256"),
    SHA2_512(0x13, "sha2-512"),
    RAW(0x55, "raw"),
    DAG_PB(0x70, "dag-pb"),
    DAG_CBOR(0x71, "dag-cbor"),
    LIBP2P_KEY(0x72, "libp2p-key"),
    DAG_JSON(0x0129, "dag-json"),
    LIBP2P_PEER_RECORD(0x0301, "libp2p-peer-record"),
    LIBP2P_RELAY_RSVP(0x0302, "libp2p-relay-rsvp");

    private final int code;
    private final String codecName;

    Multicodec(int code, String codecName) {
        this.code = code;
        this.codecName = codecName;
    }

    /** The code, as written (varint-encoded) in binary formats. */
    public int code() {
        return code;
    }

    /** The name in the multicodec table. */
    public String codecName() {
        return codecName;
    }

    /** The code as an unsigned varint. */
    public byte[] varint() {
        return Varint.encode(code);
    }

    /** The entry with {@code code}, if the stack knows it. */
    public static Optional<Multicodec> ofCode(long code) {
        for (Multicodec m : values()) {
            if (m.code == code) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The entry with the table name {@code name}, if the stack knows it. */
    public static Optional<Multicodec> ofName(String name) {
        for (Multicodec m : values()) {
            if (m.codecName.equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
