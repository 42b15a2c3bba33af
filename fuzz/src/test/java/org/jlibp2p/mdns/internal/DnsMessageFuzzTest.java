package org.jlibp2p.mdns.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.fuzz.Checks;
import org.jlibp2p.mdns.DnsFormatException;
import org.junit.jupiter.api.Timeout;

/**
 * A datagram from anyone on the LAN, as the mDNS socket receives it: parsing fails only with a
 * {@link DnsFormatException}, within bounded memory, and what parses goes through the discovery state machine (as a
 * query and as a response) without failing, naming at most its limits of peers and addresses.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DnsMessageFuzzTest {
    private static final PeerId SELF = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());

    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<DnsMessage> m = Checks.expect(() -> DnsMessage.decode(input, input.length),
                    DnsFormatException.class);
            if (m.isPresent()) {
                MdnsState state = new MdnsState(SELF, "fuzz", Duration.ofMinutes(2), 64);
                state.onQuery(m.get(), List.of(Multiaddr.parse("/ip4/10.214.0.1/tcp/4001")), Instant.EPOCH);
                List<MdnsState.Found> found = state.onResponse(m.get(), Instant.EPOCH);
                if (found.size() > MdnsState.MAX_PEERS_PER_MESSAGE || found.stream()
                        .anyMatch(f -> f.addresses().size() > MdnsState.MAX_ADDRESSES || f.peer().equals(SELF))) {
                    throw new AssertionError("limits broken: " + found);
                }
            }
        });
    }
}
