package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DnsaddrTest {
    private static final String A = "QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN";
    private static final String B = "QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa";

    /** TXT records as bootstrap.libp2p.io publishes them: one per peer, nested names, and noise. */
    private static final Map<String, List<String>> DNS = Map.of(
            "_dnsaddr.bootstrap.example", List.of(
                    "dnsaddr=/dnsaddr/a.bootstrap.example/p2p/" + A,
                    "\"dnsaddr=/dnsaddr/b.bootstrap.example/p2p/" + B + "\"",
                    "v=spf1 -all",
                    "dnsaddr=/not a multiaddr"),
            "_dnsaddr.a.bootstrap.example", List.of(
                    "dnsaddr=/ip4/10.0.0.1/tcp/4001/p2p/" + A,
                    "dnsaddr=/ip6/2001:db8::1/tcp/4001/p2p/" + A),
            "_dnsaddr.b.bootstrap.example", List.of("dnsaddr=/ip4/10.0.0.2/tcp/4001/p2p/" + B),
            "_dnsaddr.loop.example", List.of("dnsaddr=/dnsaddr/loop.example"));

    private static List<Multiaddr> resolve(String address) throws Exception {
        return Dnsaddr.resolve(Multiaddr.parse(address), name -> DNS.getOrDefault(name, List.of()), 0);
    }

    @Test
    void aDnsaddrResolvesToTheAddressesOfItsPeerFollowingNestedNames() throws Exception {
        assertEquals(List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/4001/p2p/" + A),
                Multiaddr.parse("/ip6/2001:db8::1/tcp/4001/p2p/" + A)),
                resolve("/dnsaddr/bootstrap.example/p2p/" + A));
        assertEquals(List.of(Multiaddr.parse("/ip4/10.0.0.2/tcp/4001/p2p/" + B)),
                resolve("/dnsaddr/bootstrap.example/p2p/" + B));
    }

    @Test
    void withoutAPeerIdEveryRecordCountsAndLoopsEndAtTheDepthLimit() throws Exception {
        assertEquals(3, resolve("/dnsaddr/bootstrap.example").size());
        assertEquals(List.of(), resolve("/dnsaddr/loop.example"));
        assertEquals(List.of(), resolve("/dnsaddr/unknown.example/p2p/" + A));
    }

    @Test
    void anAddressThatIsNoDnsaddrComesBackAsItIsAndTheDefaultListParses() throws Exception {
        assertEquals(List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1")), resolve("/ip4/1.2.3.4/tcp/1"));
        assertEquals(5, P2pd.parseList("b", String.join(",", Dnsaddr.IPFS_BOOTSTRAP)).size());
    }
}
