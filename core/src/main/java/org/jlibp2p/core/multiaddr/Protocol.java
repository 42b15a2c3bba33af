package org.jlibp2p.core.multiaddr;

import java.util.Optional;

/**
 * The multiaddr protocols, with their codes from the multicodec table and the size of their values.
 *
 * <p>{@link #P2P} is also accepted under its legacy name {@code ipfs} when parsing; it is always printed as
 * {@code p2p}.
 */
public enum Protocol {
    IP4(4, "ip4", Kind.FIXED, 32),
    TCP(6, "tcp", Kind.FIXED, 16),
    DCCP(33, "dccp", Kind.FIXED, 16),
    IP6(41, "ip6", Kind.FIXED, 128),
    IP6ZONE(42, "ip6zone", Kind.VARIABLE, 0),
    IPCIDR(43, "ipcidr", Kind.FIXED, 8),
    DNS(53, "dns", Kind.VARIABLE, 0),
    DNS4(54, "dns4", Kind.VARIABLE, 0),
    DNS6(55, "dns6", Kind.VARIABLE, 0),
    DNSADDR(56, "dnsaddr", Kind.VARIABLE, 0),
    SCTP(132, "sctp", Kind.FIXED, 16),
    UDP(273, "udp", Kind.FIXED, 16),
    /** Deprecated: use {@link #WEBRTC_DIRECT}. */
    P2P_WEBRTC_DIRECT(276, "p2p-webrtc-direct", Kind.NONE, 0),
    WEBRTC_DIRECT(280, "webrtc-direct", Kind.NONE, 0),
    WEBRTC(281, "webrtc", Kind.NONE, 0),
    P2P_CIRCUIT(290, "p2p-circuit", Kind.NONE, 0),
    UDT(301, "udt", Kind.NONE, 0),
    UTP(302, "utp", Kind.NONE, 0),
    UNIX(400, "unix", Kind.PATH, 0),
    P2P(421, "p2p", Kind.VARIABLE, 0),
    /** Deprecated alias of {@code /tls/http}. */
    HTTPS(443, "https", Kind.NONE, 0),
    TLS(448, "tls", Kind.NONE, 0),
    SNI(449, "sni", Kind.VARIABLE, 0),
    NOISE(454, "noise", Kind.NONE, 0),
    QUIC(460, "quic", Kind.NONE, 0),
    QUIC_V1(461, "quic-v1", Kind.NONE, 0),
    WEBTRANSPORT(465, "webtransport", Kind.NONE, 0),
    CERTHASH(466, "certhash", Kind.VARIABLE, 0),
    WS(477, "ws", Kind.NONE, 0),
    /** Deprecated alias of {@code /tls/ws}. */
    WSS(478, "wss", Kind.NONE, 0),
    HTTP(480, "http", Kind.NONE, 0),
    HTTP_PATH(481, "http-path", Kind.VARIABLE, 0),
    MEMORY(777, "memory", Kind.FIXED, 64),
    PLAINTEXTV2(7367777, "plaintextv2", Kind.NONE, 0);

    /** How a protocol's value is sized in the binary form. */
    public enum Kind {
        /** No value. */
        NONE,
        /** A value of {@link #sizeBits()} bits. */
        FIXED,
        /** A value prefixed by its varint length. */
        VARIABLE,
        /** A varint-length-prefixed path that takes the rest of the string form; nothing may follow it. */
        PATH
    }

    private final int code;
    private final String protocolName;
    private final Kind kind;
    private final int sizeBits;
    private final byte[] codeVarint;

    Protocol(int code, String protocolName, Kind kind, int sizeBits) {
        this.code = code;
        this.protocolName = protocolName;
        this.kind = kind;
        this.sizeBits = sizeBits;
        this.codeVarint = org.jlibp2p.core.multiformats.Varint.encode(code);
    }

    /** The multicodec code. */
    public int code() {
        return code;
    }

    /** The name in string multiaddrs, e.g. {@code quic-v1}. */
    public String protocolName() {
        return protocolName;
    }

    /** How the value is sized. */
    public Kind kind() {
        return kind;
    }

    /** The value size in bits for {@link Kind#FIXED}, 0 otherwise. */
    public int sizeBits() {
        return sizeBits;
    }

    /** Whether the protocol carries a value. */
    public boolean hasValue() {
        return kind != Kind.NONE;
    }

    int codeLength() {
        return codeVarint.length;
    }

    int writeCode(byte[] dst, int offset) {
        System.arraycopy(codeVarint, 0, dst, offset, codeVarint.length);
        return codeVarint.length;
    }

    /** The protocol with {@code code}, if known. */
    public static Optional<Protocol> ofCode(long code) {
        for (Protocol p : values()) {
            if (p.code == code) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The protocol named {@code name} in string multiaddrs, accepting {@code ipfs} for {@link #P2P}. */
    public static Optional<Protocol> ofName(String name) {
        if (name.equals("ipfs")) {
            return Optional.of(P2P);
        }
        for (Protocol p : values()) {
            if (p.protocolName.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return protocolName;
    }
}
