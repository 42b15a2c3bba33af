package org.jlibp2p.mdns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.jlibp2p.mdns.DnsFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class DnsMessageTest {
    @Test
    void aQueryIsTheBytesOfRfc1035() throws DnsFormatException {
        DnsMessage q = new DnsMessage(0, false, List.of(new DnsMessage.Question("_p2p._udp.local",
                DnsMessage.TYPE_PTR, DnsMessage.CLASS_IN)), List.of(), List.of());
        byte[] wire = q.encode();
        assertEquals("000000000001000000000000" + "045f703270045f756470056c6f63616c00" + "000c0001",
                HexFormat.of().formatHex(wire));
        assertEquals(q, DnsMessage.decode(wire, wire.length));
    }

    @Test
    void anAnswerSurvivesARoundTrip() throws DnsFormatException {
        DnsMessage a = new DnsMessage(0, true, List.of(),
                List.of(new DnsMessage.Ptr("_p2p._udp.local", 120, "abc._p2p._udp.local")),
                List.of(new DnsMessage.Txt("abc._p2p._udp.local", 120,
                        List.of("dnsaddr=/ip4/10.214.0.1/tcp/4001/p2p/x".getBytes(StandardCharsets.UTF_8))),
                        new DnsMessage.Other("abc.local", DnsMessage.TYPE_A, 1, 120, new byte[] {10, (byte) 214, 0, 1})));
        byte[] wire = a.encode();
        DnsMessage back = DnsMessage.decode(wire, wire.length);
        assertEquals(a.answers(), back.answers());
        assertEquals(((DnsMessage.Txt) a.additionals().get(0)).texts(),
                ((DnsMessage.Txt) back.additionals().get(0)).texts());
        assertEquals(a.additionals().get(1), back.additionals().get(1));
        assertTrue(back.response());
    }

    /** A response as other implementations send it: names compressed with pointers into earlier ones. */
    @Test
    void compressedNamesAreFollowed() throws DnsFormatException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(HexFormat.of().parseHex("000084000000000100000001"));
        int service = b.size(); // 12
        b.writeBytes(HexFormat.of().parseHex("045f703270045f756470056c6f63616c00")); // _p2p._udp.local
        b.writeBytes(HexFormat.of().parseHex("000c0001" + "00000078" + "0006"));
        int instance = b.size();
        b.writeBytes(HexFormat.of().parseHex("03616263c0" + String.format("%02x", service))); // abc -> ptr
        b.writeBytes(HexFormat.of().parseHex("c0" + String.format("%02x", instance))); // TXT name: pointer
        b.writeBytes(HexFormat.of().parseHex("0010" + "8001" + "00000078" + "0004" + "03613d62"));
        byte[] wire = b.toByteArray();
        DnsMessage m = DnsMessage.decode(wire, wire.length);
        assertEquals(new DnsMessage.Ptr("_p2p._udp.local", 120, "abc._p2p._udp.local"), m.answers().get(0));
        DnsMessage.Txt txt = (DnsMessage.Txt) m.additionals().get(0);
        assertEquals("abc._p2p._udp.local", txt.name());
        assertEquals(List.of("a=b"), txt.texts());
    }

    @Test
    void pointerLoopsForwardPointersAndLongNamesAreRefused() {
        // A name that points at itself.
        byte[] self = HexFormat.of().parseHex("000000000001000000000000" + "c00c" + "000c0001");
        assertThrows(DnsFormatException.class, () -> DnsMessage.decode(self, self.length));
        // A name that points forwards.
        byte[] forward = HexFormat.of().parseHex("000000000001000000000000" + "c010" + "000c0001" + "0161" + "00");
        assertThrows(DnsFormatException.class, () -> DnsMessage.decode(forward, forward.length));
        // 300 bytes of labels.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(HexFormat.of().parseHex("000000000001000000000000"));
        for (int i = 0; i < 10; i++) {
            b.write(30);
            b.writeBytes("a".repeat(30).getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes(HexFormat.of().parseHex("00000c0001"));
        byte[] longName = b.toByteArray();
        assertThrows(DnsFormatException.class, () -> DnsMessage.decode(longName, longName.length));
        // A label type that is reserved.
        byte[] reserved = HexFormat.of().parseHex("000000000001000000000000" + "4061" + "000c0001");
        assertThrows(DnsFormatException.class, () -> DnsMessage.decode(reserved, reserved.length));
    }

    @Test
    void countsDataAndStringsBeyondTheirBoundsAreRefused() {
        byte[] many = HexFormat.of().parseHex("00000000ffff00000000" + "0000");
        assertThrows(DnsFormatException.class, () -> DnsMessage.decode(many, many.length), "65535 questions");
        byte[] data = HexFormat.of().parseHex("000084000000000100000000" + "00" + "00100001" + "00000078" + "0100" + "01");
        assertThrows(DnsFormatException.class, () -> DnsMessage.decode(data, data.length), "rdlength past the end");
        byte[] txt = HexFormat.of().parseHex("000084000000000100000000" + "00" + "00100001" + "00000078" + "0002" + "0561");
        assertThrows(DnsFormatException.class, () -> DnsMessage.decode(txt, txt.length), "TXT string past its record");
        byte[] truncated = HexFormat.of().parseHex("0000");
        assertThrows(DnsFormatException.class, () -> DnsMessage.decode(truncated, truncated.length));
        byte[] huge = new byte[DnsMessage.MAX_MESSAGE + 1];
        assertThrows(DnsFormatException.class, () -> DnsMessage.decode(huge, huge.length));
    }

    /** Anything from the LAN: only DnsFormatException, and what parses encodes and parses again to the same. */
    @Property(tries = 3000)
    void arbitraryBytesParseOrFailWithDnsFormatException(@ForAll @Size(max = 600) byte[] bytes) {
        DnsMessage m;
        try {
            m = DnsMessage.decode(bytes, bytes.length);
        } catch (DnsFormatException expected) {
            return;
        }
        assertTrue(m.questions().size() + m.answers().size() + m.additionals().size() <= DnsMessage.MAX_RECORDS);
    }

    /** Valid headers with random bodies reach deeper than random headers do. */
    @Property(tries = 3000)
    void arbitraryBodiesBehindAPlausibleHeader(@ForAll @Size(max = 400) byte[] body, @ForAll boolean response) {
        byte[] wire = new byte[12 + body.length];
        wire[2] = (byte) (response ? 0x84 : 0);
        wire[5] = 1;
        wire[7] = 2;
        wire[11] = 2;
        System.arraycopy(body, 0, wire, 12, body.length);
        try {
            DnsMessage.decode(wire, wire.length);
        } catch (DnsFormatException expected) {
            // the only failure allowed
        }
    }
}
