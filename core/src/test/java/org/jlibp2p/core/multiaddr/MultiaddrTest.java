package org.jlibp2p.core.multiaddr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jlibp2p.core.multiformats.Base58;
import org.jlibp2p.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiaddrTest {
    private static final String PEER = "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC";
    private static final String PEER_HEX = "a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b";
    private static final String CERTHASH = "uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g";
    private static final String CERTHASH_HEX = "d203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2";

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.toLowerCase());
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /**
     * Canonical string and binary form. Each row says where it comes from: go is go-multiaddr's multiaddr_test.go
     * (TestConstructSucceeds, TestStringToBytes, TestBytesToString; commit 7fae00a), rust is rust-multiaddr's
     * tests/lib.rs (construct_success; commit 33f1de2), js is js-multiaddr's test/index.spec.ts (commit 35cc0d9).
     * "bytes: rust" means only rust's suite has the bytes; "bytes from the table" means the suites have the string
     * only and the bytes follow the multicodec table (the code as an unsigned varint, then the value as the table's
     * size says: fixed, or a varint length and the value). Rows marked "ours" are in none of the suites: each is
     * built the same way from the table and says which entry it exercises.
     */
    @ParameterizedTest
    @CsvSource({
        "/ip4/1.2.3.4, 0401020304", // go, rust, js (bytes: rust)
        "/ip4/0.0.0.0, 0400000000", // go, rust, js (bytes: rust)
        "/ip4/127.0.0.1/udp/1234, 047f000001910204d2", // go, rust, js
        "/ip4/127.0.0.1/tcp/4321, 047f0000010610e1", // go
        "/ip4/127.0.0.1/udp/1234/ip4/127.0.0.1/tcp/4321, 047f000001910204d2047f0000010610e1", // go
        "/ip6/::1, 2900000000000000000000000000000001", // go, rust, js (bytes: rust)
        "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21, 29260100094f819700803eca6566e80c21", // go, rust (bytes: rust)
        "/ip6/fe80::9700:803e:ca65:66e8:c21/ip6zone/wlan0, 29fe80000000009700803eca6566e80c212a05776c616e30", // rust
        "/ip6zone/eth0/ip6/::1, 2a046574683029" + "00000000000000000000000000000001", // go (bytes from the table)
        "/ip6zone/x%y/ip6/fe80::1, 2a03782579" + "29fe800000000000000000000000000001", // go (bytes from the table)
        "/udp/0, 91020000", // go, rust (bytes: rust)
        "/tcp/0, 060000", // go, rust (bytes: rust)
        "/sctp/0, 84010000", // go, rust (bytes: rust)
        "/udp/1234, 910204d2", // go, rust, js
        "/tcp/1234, 0604d2", // go, rust, js (bytes: rust)
        "/sctp/1234, 840104d2", // go, rust (bytes: rust)
        "/dccp/1234, 2104d2", // ours: dccp is 0x21 with a 16-bit port, as tcp
        "/udp/65535, 9102ffff", // go, rust (bytes: rust)
        "/tcp/65535, 06ffff", // go, rust (bytes: rust)
        "/ip4/192.0.2.0/ipcidr/24, 04c00002002b18", // go, js (bytes from the table)
        "/udp/1234/sctp/1234, 910204d2840104d2", // go, rust (bytes: rust)
        "/udp/1234/udt, 910204d2ad02", // go, rust (bytes: rust)
        "/udp/1234/utp, 910204d2ae02", // go, rust, js (bytes: rust)
        "/tcp/1234/http, 0604d2e003", // go, rust (bytes: rust)
        "/tcp/1234/tls/http, 0604d2c003e003", // go, rust (bytes: rust)
        "/tcp/1234/https, 0604d2bb03", // go, rust (bytes: rust)
        "/tcp/1234/http/http-path/user, 0604d2e003e1030475736572", // rust
        "/tcp/1234/http/http-path/api%2Fv0%2Flogin, 0604d2e003e1030c6170692f76302f6c6f67696e", // rust
        "/tcp/1234/http/http-path/a%2520space, 0604d2e003e10309612532307370616365", // rust
        "/p2p/" + PEER + ", " + PEER_HEX, // go, rust, js (bytes: rust)
        "/p2p/" + PEER + "/tcp/1234, " + PEER_HEX + "0604d2", // go, rust, js (bytes: rust)
        "/ip4/127.0.0.1/p2p/" + PEER + "/tcp/1234, 047f000001" + PEER_HEX + "0604d2", // go, rust, js (bytes: rust)
        "/ip6/2001:8a0:7ac5:4201:3ac9:86ff:fe31:7095/tcp/8000/ws/p2p/" + PEER + ", "
                + "29200108a07ac542013ac986fffe317095061f40dd03" + PEER_HEX, // rust, js (bytes: rust)
        "/ip6/2001:8a0:7ac5:4201:3ac9:86ff:fe31:7095/tcp/8000/wss/p2p/" + PEER + ", "
                + "29200108a07ac542013ac986fffe317095061f40de03" + PEER_HEX, // rust
        "/ip4/127.0.0.1/tcp/9090/p2p-circuit/p2p/" + PEER + ", 047f000001062382a202" + PEER_HEX, // rust
        "/dnsaddr/sjc-1.bootstrap.libp2p.io, 3819736a632d312e626f6f7473747261702e6c69627032702e696f", // rust
        "/dnsaddr/sjc-1.bootstrap.libp2p.io/tcp/1234/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN, "
                + "3819736a632d312e626f6f7473747261702e6c69627032702e696f0604d2"
                + "a50322122006b3608aa000274049eb28ad8e793a26ff6fab281a7d3bd77cd18eb745dfaabb", // rust
        // ours: dns 0x35, a length-prefixed name; wss 0x01de
        "/dns/example.com/tcp/443/wss, 350b6578616d706c652e636f6d0601bbde03",
        // ours: dns4 0x36; hyphens and digits in labels
        "/dns4/my-host.example-1.org/tcp/80, 36156d792d686f73742e6578616d706c652d312e6f7267060050",
        // ours: dns6 0x37; a fully qualified name keeps its dot
        "/dns6/a.b.c./udp/53/quic-v1, 3706612e622e632e910200" + "35cd03",
        "/ip4/127.0.0.1/tcp/127/ws, 047f00000106007fdd03", // go, rust (bytes: rust)
        "/ip4/127.0.0.1/tcp/127/tls, 047f00000106007fc003", // go, rust (bytes: rust)
        "/ip4/127.0.0.1/tcp/127/tls/ws, 047f00000106007fc003dd03", // go, rust (bytes: rust)
        "/ip4/127.0.0.1/tcp/127/noise, 047f00000106007fc603", // go, rust (bytes: rust)
        // go (bytes from the table)
        "/ip4/127.0.0.1/tcp/443/tls/sni/example.com/http, 047f0000010601bbc003c1030b6578616d706c652e636f6de003",
        "/ip4/127.0.0.1/udp/1234/quic, 047f000001910204d2cc03", // go, rust (bytes: rust)
        "/ip4/127.0.0.1/udp/1234/quic-v1, 047f000001910204d2cd03", // go (bytes from the table)
        "/ip4/127.0.0.1/udp/1234/webrtc-direct, 047f000001910204d29802", // rust
        // rust
        "/ip4/127.0.0.1/udp/1234/webrtc-direct/certhash/" + CERTHASH + ", 047f000001910204d29802" + CERTHASH_HEX,
        "/ip4/127.0.0.1/udp/1234/quic/webtransport, 047f000001910204d2cc03d103", // rust
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/" + CERTHASH + "/certhash/" + CERTHASH + ", "
        // ours: certhash 0x01d2 (a multibase multihash), twice
                + "047f000001910204d2cd03d103" + CERTHASH_HEX + CERTHASH_HEX,
        // ours: p2p-circuit 0x0122, webrtc 0x0119
        "/ip4/127.0.0.1/tcp/1/p2p/" + PEER + "/p2p-circuit/webrtc, 047f000001060001" + PEER_HEX + "a2029902",
        "/unix/a/b/c/d/e, 90030a2f612f622f632f642f65", // go, rust (bytes from the table)
        "/unix/stdio, 9003062f737464696f", // go, rust (bytes from the table)
        // ours: unix 0x0190, a path that takes the rest
        "/ip4/1.2.3.4/tcp/80/unix/tmp/p2p.sock, 040102030406005090030d" + "2f746d702f7032702e736f636b",
        "/p2p/" + PEER + "/unix/a/b/c, " + PEER_HEX + "9003062f612f622f63", // ours: unix after p2p
        "/memory/4, 89060000000000000004", // go (bytes from the table)
        "/memory/18446744073709551615, 8906ffffffffffffffff", // ours: memory 0x0309, a big-endian uint64 at its largest
        "/ip4/127.0.0.1/tcp/9090/http/p2p-webrtc-direct, 047f000001062382e0039402", // go, js (bytes from the table)
        "/ip4/127.0.0.1/tcp/1/plaintextv2, 047f000001060001e1d8c103", // ours: plaintextv2 0x706c61
    })
    void vectors(String text, String binary) throws Exception {
        Multiaddr fromText = Multiaddr.parse(text);
        assertEquals(binary, hex(fromText.bytes()));
        Multiaddr fromBinary = Multiaddr.fromBytes(hex(binary));
        assertEquals(text, fromBinary.toString());
        assertEquals(fromText, fromBinary);
        assertEquals(fromText.hashCode(), fromBinary.hashCode());
        assertEquals(text, fromText.toString());
    }

    /**
     * Inputs whose canonical string form differs, sources as for {@link #vectors}. Rows marked "ours": IPv6 as RFC
     * 5952 section 4 writes it (lower case, no leading zeros, the longest run of zero fields as ::, the first of equal
     * runs, never for one field) with an IPv4-mapped address in dotted form (section 5), as go's net.IP.String does;
     * a peer id written as a CIDv1 reads as the base58 multihash (the peer-ids spec); http-path values are
     * read and written with URL query escaping (go's url.QueryUnescape and url.QueryEscape), as
     * go-multiaddr's http-path transcoder does.
     */
    @ParameterizedTest
    @CsvSource({
        "/ipfs/" + PEER + ", /p2p/" + PEER, // go, js (TestIPFSvP2P)
        "/ip4/127.0.0.1/ipfs/" + PEER + "/tcp/1234, /ip4/127.0.0.1/p2p/" + PEER + "/tcp/1234", // go, js
        "/ip4/127.0.0.1/tcp/1234/, /ip4/127.0.0.1/tcp/1234", // go
        "/unix/a/b/, /unix/a/b", // go, rust
        "/ip6/2001:DB8:0:0:0:0:0:1, /ip6/2001:db8::1", // ours, RFC 5952 section 4.3 (output in rust)
        "/ip6/2001:0db8::0001, /ip6/2001:db8::1", // ours, RFC 5952 section 4.1
        "/ip6/2001:0:0:1:0:0:0:1, /ip6/2001:0:0:1::1", // ours, RFC 5952 section 4.2.3
        "/ip6/2001:db8:0:0:1:0:0:1, /ip6/2001:db8::1:0:0:1", // ours, RFC 5952 section 4.2.3
        "/ip6/2001:db8:0:1:1:1:1:1, /ip6/2001:db8:0:1:1:1:1:1", // ours, RFC 5952 section 4.2.2
        "/ip6/0:0:0:0:0:0:0:0, /ip6/::", // ours, RFC 5952 (output in go, rust, js)
        "/ip6/1:0:0:0:0:0:0:0, /ip6/1::", // ours, RFC 5952 section 4.2.1
        "/ip6/1:2:3:4:5:6:7::, /ip6/1:2:3:4:5:6:7:0", // ours, RFC 5952 section 4.2.2
        "/ip6/::ffff:127.0.0.1/tcp/111, /ip6/::ffff:127.0.0.1/tcp/111", // go
        "/ip6/::FFFF:7f00:1, /ip6/::ffff:127.0.0.1", // ours, RFC 5952 section 5 (output in go)
        "/ip6/1.2.3.4, /ip6/::ffff:1.2.3.4", // ours: go's net.ParseIP takes IPv4 as IPv4-mapped
        "/ip6/64:ff9b::192.0.2.33, /ip6/64:ff9b::c000:221", // ours: only ::ffff: is dotted, as in go
        "/tcp/00080, /tcp/80", // ours: a port is a number (output in go, rust, js)
        // the example of libp2p/specs peer-ids/peer-ids.md, "Decoding": one peer id as a CIDv1 and as base58
        "/p2p/bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe, "
                + "/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
        "/p2p/k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs, " // go
                + "/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
        // go's input; its base64url form is ours (certhash is written in base64url, as go writes it)
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy, "
                + "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/u1QEQOFj2IjCsPJFfMAxmQxLGPw", // an md5 multihash
        "/http-path/a+b, /http-path/a+b", // ours: '+' reads as a space, written back as '+'
        "/http-path/a%20b, /http-path/a+b", // ours: QueryEscape writes a space as '+'
        "/http-path/tmp%2fbar, /http-path/tmp%2Fbar", // go (TestHTTPPath)
    })
    void canonicalForms(String input, String canonical) throws Exception {
        Multiaddr ma = Multiaddr.parse(input);
        assertEquals(canonical, ma.toString());
        assertEquals(ma, Multiaddr.parse(canonical));
        assertEquals(ma, Multiaddr.fromBytes(ma.bytes()));
    }

    /**
     * Strings every implementation rejects. Most are in go's TestConstructFails or rust's construct_fail (files as for
     * {@link #vectors}); ours each break one rule of their protocol's text form: IPv4 as dotted decimal with four
     * fields of 0 to 255 and no leading zeros, IPv6 as RFC 4291 section 2.2 writes it (no zone: that is ip6zone's),
     * a port as a decimal number of 0 to 65535, memory as a decimal uint64, DNS names as non-empty labels of
     * printable characters with no spaces, sni as a DNS name, certhash as a multibase multihash, and nothing after a
     * protocol that takes no value.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "", "/", "//", "ip4/1.2.3.4", "/ip4", "/ip4/::1", "/ip4/fdpsofodsajfdoisa", "/ip4/1.2.3", "/ip4/1.2.3.4.5",
        "/ip4/256.0.0.1", "/ip4/01.2.3.4", "/ip4/1..2.3", "/ip4/ 1.2.3.4", "/ip4/127.0.0.1/ipcidr/256",
        "/ip6", "/ip6/::1::", "/ip6/1:2:3:4:5:6:7:8:9", "/ip6/12345::", "/ip6/:1", "/ip6/1:", "/ip6/g::",
        "/ip6/::1%eth0", "/ip6/1:2:3:4:5:6:7:1.2.3.4", "/ip6zone", "/ip6zone/", "/ip6zone//ip6/fe80::1",
        "/udp", "/tcp", "/sctp", "/udp/65536", "/tcp/65536", "/tcp/-1", "/tcp/+1", "/tcp/1e3", "/tcp/0x10",
        "/tcp/99999999999999999999999", "/udp/1234/sctp", "/udp/1234/udt/1234", "/udp/1234/utp/1234",
        "/ip4/127.0.0.1/udp/jfodsajfidosajfoidsa", "/ip4/127.0.0.1/udp", "/ip4/127.0.0.1/tcp/jfodsajfidosajfoidsa",
        "/ip4/127.0.0.1/tcp", "/ip4/127.0.0.1/quic/1234", "/ip4/127.0.0.1/quic-v1/1234",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmp",
        "/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8", "/certhash/xyz",
        "/ip4/127.0.0.1/ipfs", "/ip4/127.0.0.1/ipfs/tcp", "/ip4/127.0.0.1/p2p", "/ip4/127.0.0.1/p2p/tcp",
        "/p2p/QmxoHT6iViN5xAjoz1VZ553cL31U9F94ht3QvWR1FrEbZY",
        "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl-", "/p2p/?unknownmultibase",
        "/p2p/k2jmtxwoe2phm1hbqp0e7nufqf6umvuu2e9qd7ana7h411a0haqj6i2z",
        "/unix", "/unix/", "/ip4/1.2.3.4/tcp/80/unix", "/ip4/127.0.0.1/tcp/9090/http/p2p-webcrt-direct",
        "/memory/184467440737095516150", "/memory/18446744073709551616", "/p2p-circuit/50", "/tcp/1234/http/http-path/a/b",
        "/http-path/thisIsMissingAfullByte%f", "/http-path/", "/dns", "/dns//tcp/1", "/dns/a..b", "/dns/.a",
        "/dns/a b", "/dns/a\tb", "/sni/",
        "/sni/bad name", "/unknown/1.2.3.4", "/tcp/80/quic-v1/x", "/dns/\uD800",
    })
    void rejects(String text) {
        MultiaddrException e = assertThrows(MultiaddrException.class, () -> Multiaddr.parse(text));
        assertTrue(!e.getMessage().isEmpty());
    }

    @Test
    void rejectsLongNames() {
        assertThrows(MultiaddrException.class, () -> Multiaddr.parse("/dns4/" + "a".repeat(64) + ".com"));
        assertThrows(MultiaddrException.class, () -> Multiaddr.parse("/dns/" + "a.".repeat(127) + "ab"));
    }

    @Test
    void errorsNameTheComponent() {
        assertMessage("/tcp", "65536", () -> Multiaddr.parse("/ip4/1.2.3.4/tcp/65536"));
        assertMessage("/ip4", "1.2.3", () -> Multiaddr.parse("/ip4/1.2.3"));
        assertMessage("unknown protocol 'foo'", "index 1", () -> Multiaddr.parse("/foo/1"));
        assertMessage("/ip6zone", "empty", () -> Multiaddr.fromBytes(hex("2a00")));
        assertMessage("/p2p", "2147483648", () -> Multiaddr.fromBytes(hex("a5038080808008")));
        assertMessage("/ip4", "truncated", () -> Multiaddr.fromBytes(hex("040102")));
        assertMessage("unknown protocol code", "byte 0", () -> Multiaddr.fromBytes(hex("ff01")));
    }

    private static void assertMessage(String a, String b, org.junit.jupiter.api.function.Executable call) {
        MultiaddrException e = assertThrows(MultiaddrException.class, call);
        assertTrue(e.getMessage().contains(a) && e.getMessage().contains(b), e.getMessage());
    }

    /** Binary inputs every implementation rejects. */
    @ParameterizedTest
    @ValueSource(strings = {
        "", "04", "047f0000", "06ff", "a503221221c05877cbae039d70a5e600ea02c6f9f2942439285c9e344e26f8d280c850fad6",
        "a503", "a50300", "a5030b0001", "a503221220d52e", "a503ffffffffffffffff7f", "a5038000", "8080808080808080808001",
        "a50314130040" + "00000000000000000000000000000000", // a p2p multihash that is neither sha2-256 nor identity
        "9003022f61" + "0601bb", // a component after a path
        "9003022f2f", "9003012f", "900302612f", "9003026161", // unix paths: trailing slash, too short, not absolute
        "3500", "35012f", "3502c328", "2a012f", // dns empty / slash / invalid UTF-8, zone with slash
        "e10300", "d20300", "d203021200", "cc0300", "bb03" + "01", "8906000000",
    })
    void rejectsBytes(String binary) {
        assertThrows(MultiaddrException.class, () -> Multiaddr.fromBytes(hex(binary)));
    }

    @Test
    void hugeLengthPrefixesAreRefusedBeforeAllocating() {
        for (String prefix : new String[] {"a503", "3500", "9003", "d203", "e103", "2a"}) {
            for (String length : new String[] {"8080808008", "ffffffff07", "ffffffffffffffff7f"}) {
                String input = prefix.equals("3500") ? "35" + length : prefix + length;
                assertThrows(MultiaddrException.class, () -> Multiaddr.fromBytes(hex(input + "0000")));
            }
        }
    }

    @Test
    void componentsAndValues() throws Exception {
        Multiaddr ma = Multiaddr.parse("/ip4/1.2.3.4/udp/4001/quic-v1/p2p/" + PEER);
        assertEquals(List.of(Protocol.IP4, Protocol.UDP, Protocol.QUIC_V1, Protocol.P2P), ma.protocols());
        assertEquals(Optional.of("4001"), ma.valueOf(Protocol.UDP));
        assertEquals(Optional.of(""), ma.valueOf(Protocol.QUIC_V1));
        assertEquals(Optional.empty(), ma.valueOf(Protocol.TCP));
        Component udp = ma.components().get(1);
        assertEquals("/udp/4001", udp.toString());
        assertArrayEquals(hex("0fa1"), udp.value());
        assertArrayEquals(hex("91020fa1"), udp.bytes());
        assertEquals(Component.parse(Protocol.UDP, "4001"), udp);
        assertEquals(Protocol.UDP, Protocol.ofName("udp").orElseThrow());
        assertEquals(Protocol.P2P, Protocol.ofName("ipfs").orElseThrow());
        assertEquals(Protocol.WEBTRANSPORT, Protocol.ofCode(465).orElseThrow());
        assertEquals(Protocol.Kind.PATH, Protocol.UNIX.kind());
        assertEquals(128, Protocol.IP6.sizeBits());
        assertThrows(IllegalArgumentException.class, () -> new Component(Protocol.TCP, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> Multiaddr.of(
                Component.parse(Protocol.UNIX, "/a"), Component.parse(Protocol.TCP, "1")));
        byte[] value = udp.value();
        value[0] = 0;
        assertEquals("4001", udp.valueString());
    }

    @Test
    void peerIdAndEncapsulation() throws Exception {
        Multiaddr transport = Multiaddr.parse("/ip4/1.2.3.4/tcp/4001");
        Multiaddr full = Multiaddr.parse("/ip4/1.2.3.4/tcp/4001/p2p/" + PEER);
        Multihash peer = Multihash.fromBytes(Base58.decode(PEER));
        assertEquals(Optional.of(peer), full.peerIdMultihash());
        assertEquals(Optional.empty(), transport.peerIdMultihash());
        assertEquals(transport, full.withoutPeerId());
        assertEquals(transport, transport.withoutPeerId());
        assertEquals(full, transport.withPeerId(peer));
        assertEquals(full, full.withPeerId(peer));
        assertEquals(full, transport.encapsulate(Multiaddr.parse("/p2p/" + PEER)));

        Multiaddr relayed = Multiaddr.parse("/ip4/1.2.3.4/tcp/4001/p2p/" + PEER + "/p2p-circuit");
        assertEquals(Optional.empty(), relayed.peerIdMultihash());
        assertEquals(full, relayed.decapsulate(Protocol.P2P_CIRCUIT));
        assertEquals(transport, relayed.decapsulate(Protocol.P2P));
        assertEquals(Multiaddr.parse("/ip4/1.2.3.4"), relayed.decapsulate(Multiaddr.parse("/tcp/4001")));
        assertEquals(relayed, relayed.decapsulate(Multiaddr.parse("/tcp/4002")));
        assertEquals(relayed, relayed.decapsulate(Protocol.WS));
        // The last occurrence is removed.
        Multiaddr twice = Multiaddr.parse("/ip4/1.2.3.4/tcp/1/ip4/1.2.3.4/tcp/1/ws");
        assertEquals(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"), twice.decapsulate(Multiaddr.parse("/ip4/1.2.3.4/tcp/1")));
        assertEquals(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/ip4/1.2.3.4"), twice.decapsulate(Protocol.TCP));
        Multiaddr empty = twice.decapsulate(Protocol.IP4).decapsulate(Protocol.IP4);
        assertTrue(empty.isEmpty());
        assertEquals(Multiaddr.EMPTY, empty);
        assertEquals("", empty.toString());
        assertNotEquals(transport, full);
    }

    /** Random valid multiaddrs survive both forms, and either form is canonical. */
    @Property(tries = 500)
    void roundTrips(@ForAll long seed) throws Exception {
        Multiaddr ma = RandomMultiaddrs.multiaddr(new Random(seed));
        String text = ma.toString();
        byte[] bytes = ma.bytes();
        Multiaddr parsed = Multiaddr.parse(text);
        assertEquals(ma, parsed);
        assertEquals(text, parsed.toString());
        Multiaddr decoded = Multiaddr.fromBytes(bytes);
        assertEquals(ma, decoded);
        assertEquals(text, decoded.toString());
        assertEquals(ma.components(), decoded.components());
        for (Component c : ma.components()) {
            assertEquals(c, Component.parse(c.protocol(), c.valueString()));
        }
    }
}
