package org.jlibp2p.mdns.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;

/**
 * mDNS discovery as a state machine without I/O: what to ask, what to answer, whom an answer names, when they
 * expire. Answers are rate-limited (one per {@link #MIN_ANSWER_GAP}, whatever the number of queries: no LAN
 * amplifier); an answer read names at most {@link #MAX_PEERS_PER_MESSAGE} peers with {@link #MAX_ADDRESSES} addresses
 * each, and at most {@code maxPeers} are remembered. Confined to one thread.
 */
public final class MdnsState {
    public static final String SERVICE = "_p2p._udp.local";
    public static final String DNSADDR = "dnsaddr=";
    public static final int MAX_ADDRESSES = 16;
    public static final int MAX_PEERS_PER_MESSAGE = 16;
    public static final Duration MIN_ANSWER_GAP = Duration.ofSeconds(1);

    /** A peer an answer named: new, or with addresses other than before ({@code changed}), or only refreshed. */
    public record Found(PeerId peer, List<Multiaddr> addresses, boolean changed) {}

    private record Known(List<Multiaddr> addresses, Instant expires) {}

    private final PeerId self;
    private final String instance;
    private final Duration ttl;
    private final int maxPeers;
    private final Map<PeerId, Known> peers = new LinkedHashMap<>();
    private Instant lastAnswer = Instant.MIN;

    /** {@code instance} is this node's random name, 1 to 63 letters and digits. */
    public MdnsState(PeerId self, String instance, Duration ttl, int maxPeers) {
        if (instance.isEmpty() || instance.length() > 63 || !instance.chars().allMatch(Character::isLetterOrDigit)) {
            throw new IllegalArgumentException("instance name: 1 to 63 letters and digits");
        }
        this.self = self;
        this.instance = instance;
        this.ttl = ttl;
        this.maxPeers = maxPeers;
    }

    public DnsMessage query() {
        return new DnsMessage(0, false, List.of(new DnsMessage.Question(SERVICE, DnsMessage.TYPE_PTR,
                DnsMessage.CLASS_IN)), List.of(), List.of());
    }

    /** The answer this node gives: a PTR to its instance and a TXT with its addresses (those that fit). */
    public DnsMessage answer(List<Multiaddr> addresses) {
        String name = instance + "." + SERVICE;
        List<byte[]> strings = new ArrayList<>();
        for (Multiaddr a : addresses) {
            byte[] s = (DNSADDR + a.withoutPeerId().withPeerId(self.multihash())).getBytes(StandardCharsets.UTF_8);
            if (s.length <= 255 && strings.size() < MAX_ADDRESSES) {
                strings.add(s);
            }
        }
        long seconds = ttl.toSeconds();
        return new DnsMessage(0, true, List.of(), List.of(new DnsMessage.Ptr(SERVICE, seconds, name)),
                List.of(new DnsMessage.Txt(name, seconds, strings)));
    }

    /** A message heard: the answer to send when it is a query for the service this node should answer now. */
    public Optional<DnsMessage> onQuery(DnsMessage m, List<Multiaddr> addresses, Instant now) {
        if (m.response() || addresses.isEmpty()) {
            return Optional.empty();
        }
        boolean asks = false;
        for (DnsMessage.Question q : m.questions()) {
            if (q.name().toLowerCase(Locale.ROOT).equals(SERVICE)
                    && (q.type() == DnsMessage.TYPE_PTR || q.type() == DnsMessage.TYPE_ANY)) {
                asks = true;
            }
        }
        if (!asks || now.isBefore(lastAnswer.plus(MIN_ANSWER_GAP))) {
            return Optional.empty();
        }
        lastAnswer = now;
        return Optional.of(answer(addresses));
    }

    /** A response heard: the peers it names (never this node), as far as limits allow. */
    public List<Found> onResponse(DnsMessage m, Instant now) {
        if (!m.response()) {
            return List.of();
        }
        List<DnsMessage.Record> records = new ArrayList<>(m.answers());
        records.addAll(m.additionals());
        Set<String> instances = new HashSet<>();
        for (DnsMessage.Record r : records) {
            if (r instanceof DnsMessage.Ptr p && p.name().toLowerCase(Locale.ROOT).equals(SERVICE)
                    && instances.size() < MAX_PEERS_PER_MESSAGE) {
                instances.add(p.target().toLowerCase(Locale.ROOT));
            }
        }
        Map<PeerId, List<Multiaddr>> named = new LinkedHashMap<>();
        for (DnsMessage.Record r : records) {
            if (!(r instanceof DnsMessage.Txt t) || !instances.contains(t.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String s : t.texts()) {
                if (!s.startsWith(DNSADDR)) {
                    continue;
                }
                Multiaddr a;
                PeerId peer;
                try {
                    a = Multiaddr.parse(s.substring(DNSADDR.length()));
                    Optional<Multihash> id = a.peerIdMultihash();
                    if (id.isEmpty()) {
                        continue;
                    }
                    peer = PeerId.fromMultihash(id.get());
                } catch (MultiaddrException | PeerIdException e) {
                    continue; // a neighbour's garbage costs only its own record
                }
                if (peer.equals(self) || (!named.containsKey(peer) && named.size() >= MAX_PEERS_PER_MESSAGE)) {
                    continue;
                }
                List<Multiaddr> list = named.computeIfAbsent(peer, p -> new ArrayList<>());
                Multiaddr bare = a.withoutPeerId();
                if (list.size() < MAX_ADDRESSES && !list.contains(bare) && !bare.isEmpty()) {
                    list.add(bare);
                }
            }
        }
        List<Found> out = new ArrayList<>();
        for (Map.Entry<PeerId, List<Multiaddr>> e : named.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Known before = peers.get(e.getKey());
            if (before == null && peers.size() >= maxPeers) {
                continue;
            }
            List<Multiaddr> addrs = List.copyOf(e.getValue());
            peers.put(e.getKey(), new Known(addrs, now.plus(ttl)));
            out.add(new Found(e.getKey(), addrs, before == null || !before.addresses().equals(addrs)));
        }
        return out;
    }

    /** Forgets peers not heard of for the ttl; returns them. */
    public List<PeerId> expire(Instant now) {
        List<PeerId> gone = new ArrayList<>();
        for (Iterator<Map.Entry<PeerId, Known>> it = peers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<PeerId, Known> e = it.next();
            if (!e.getValue().expires().isAfter(now)) {
                gone.add(e.getKey());
                it.remove();
            }
        }
        return gone;
    }

    public Set<PeerId> peers() {
        return Set.copyOf(peers.keySet());
    }
}
