package org.jlibp2p.mdns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MdnsStateTest {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    private final PeerId a = peer();
    private final PeerId b = peer();

    private static PeerId peer() {
        return PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    }

    private static Multiaddr addr(String s) throws Exception {
        return Multiaddr.parse(s);
    }

    @Test
    void aQueryIsAnsweredAndTheAnswerNamesThePeerAndItsAddresses() throws Exception {
        MdnsState sa = new MdnsState(a, "alice", Duration.ofMinutes(2), 10);
        MdnsState sb = new MdnsState(b, "bob", Duration.ofMinutes(2), 10);
        List<Multiaddr> bAddrs = List.of(addr("/ip4/10.214.0.2/tcp/4001"), addr("/ip6/fd00::2/tcp/4001"));
        byte[] query = sa.query().encode();
        DnsMessage answer = sb.onQuery(DnsMessage.decode(query, query.length), bAddrs, t0).orElseThrow();
        byte[] wire = answer.encode();
        assertTrue(wire.length < 1500);
        List<MdnsState.Found> found = sa.onResponse(DnsMessage.decode(wire, wire.length), t0);
        assertEquals(List.of(new MdnsState.Found(b, bAddrs, true)), found);
        assertEquals(List.of(new MdnsState.Found(b, bAddrs, false)),
                sa.onResponse(DnsMessage.decode(wire, wire.length), t0.plusSeconds(60)), "heard again: refreshed");
        assertTrue(sb.onResponse(DnsMessage.decode(wire, wire.length), t0).isEmpty(), "a node never finds itself");
        assertTrue(sa.expire(t0.plusSeconds(179)).isEmpty());
        assertEquals(List.of(b), sa.expire(t0.plusSeconds(180)));
    }

    @Test
    void answersAreRateLimitedSoTheLanCannotUseTheNodeAsAnAmplifier() throws Exception {
        MdnsState sb = new MdnsState(b, "bob", Duration.ofMinutes(2), 10);
        List<Multiaddr> addrs = List.of(addr("/ip4/10.214.0.2/tcp/4001"));
        DnsMessage q = new MdnsState(a, "alice", Duration.ofMinutes(2), 10).query();
        int answered = 0;
        for (int i = 0; i < 1000; i++) {
            if (sb.onQuery(q, addrs, t0.plusMillis(i * 5L)).isPresent()) {
                answered++;
            }
        }
        assertEquals(5, answered, "one answer a second over 5 s");
        DnsMessage other = new DnsMessage(0, false, List.of(new DnsMessage.Question("_other._udp.local",
                DnsMessage.TYPE_PTR, 1)), List.of(), List.of());
        assertFalse(sb.onQuery(other, addrs, t0.plusSeconds(60)).isPresent(), "other services are not ours");
    }

    @Test
    void garbageTxtStringsAreSkippedAndEachAnswerIsCapped() throws Exception {
        MdnsState sa = new MdnsState(a, "alice", Duration.ofMinutes(2), 100);
        List<DnsMessage.Record> answers = new ArrayList<>();
        List<DnsMessage.Record> additionals = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            PeerId p = peer();
            String name = "n" + i + "._p2p._udp.local";
            answers.add(new DnsMessage.Ptr(MdnsState.SERVICE, 120, name));
            List<byte[]> strings = new ArrayList<>();
            strings.add("dnsaddr=/not/a/multiaddr".getBytes(StandardCharsets.UTF_8));
            strings.add("dnsaddr=/ip4/10.214.0.9/tcp/1".getBytes(StandardCharsets.UTF_8)); // no /p2p/
            strings.add("other=thing".getBytes(StandardCharsets.UTF_8));
            for (int j = 0; j < 30; j++) {
                strings.add(("dnsaddr=/ip4/10.214.1." + j + "/tcp/4001/p2p/" + p).getBytes(StandardCharsets.UTF_8));
            }
            additionals.add(new DnsMessage.Txt(name, 120, strings));
        }
        // A TXT record for a name no PTR points at is not read.
        additionals.add(new DnsMessage.Txt("stray._p2p._udp.local", 120,
                List.of(("dnsaddr=/ip4/10.214.2.1/tcp/1/p2p/" + peer()).getBytes(StandardCharsets.UTF_8))));
        DnsMessage response = new DnsMessage(0, true, List.of(), answers, additionals);
        List<MdnsState.Found> found = sa.onResponse(response, t0);
        assertEquals(MdnsState.MAX_PEERS_PER_MESSAGE, found.size());
        assertTrue(found.stream().allMatch(f -> f.addresses().size() == MdnsState.MAX_ADDRESSES));
        assertTrue(found.stream().flatMap(f -> f.addresses().stream())
                .allMatch(m -> m.toString().startsWith("/ip4/10.214.1.")));
        MdnsState small = new MdnsState(a, "alice", Duration.ofMinutes(2), 10);
        assertEquals(10, small.onResponse(response, t0).size());
        assertEquals(10, small.peers().size(), "at most maxPeers remembered");
    }
}
