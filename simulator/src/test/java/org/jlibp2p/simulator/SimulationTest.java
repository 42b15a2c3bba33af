package org.jlibp2p.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Small scenarios of both kinds: determinism, the bounds theory gives, churn, attackers. */
class SimulationTest {
    private static Scenario dht(int nodes, long seed) {
        Scenario sc = Scenario.of("dht");
        sc.set("nodes", String.valueOf(nodes));
        sc.set("seed", String.valueOf(seed));
        sc.set("lookups", "200");
        sc.set("puts", "20");
        sc.set("gets", "50");
        sc.set("provides", "20");
        sc.set("find_providers", "50");
        sc.set("bootstrap_random_lookups", "1");
        return sc;
    }

    private static Scenario gossip(int nodes, long seed) {
        Scenario sc = Scenario.of("gossip");
        sc.set("nodes", String.valueOf(nodes));
        sc.set("seed", String.valueOf(seed));
        sc.set("messages", "20");
        return sc;
    }

    /** The result without what depends on the machine. */
    private static JsonObject stable(Result r) {
        JsonObject o = JsonParser.parseString(r.json()).getAsJsonObject();
        o.remove("wall_seconds");
        o.remove("machine");
        return o;
    }

    @Test
    @Timeout(120)
    void theSameSeedGivesTheSameResultAndAnotherSeedAnother() {
        Scenario churn = dht(120, 7);
        churn.set("churn", "0.25");
        JsonObject a = stable(Sim.run(churn));
        JsonObject b = stable(Sim.run(churn));
        assertEquals(a, b);
        churn.set("seed", "8");
        assertNotEquals(a, stable(Sim.run(churn)));
        Scenario attacked = gossip(100, 7);
        attacked.set("spammers", "0.1");
        attacked.set("loss", "0.01");
        JsonObject g1 = stable(Sim.run(attacked));
        JsonObject g2 = stable(Sim.run(attacked));
        assertEquals(g1, g2);
        attacked.set("seed", "8");
        assertNotEquals(g1, stable(Sim.run(attacked)));
    }

    @Test
    @Timeout(120)
    void dhtLookupsWithoutLatencySpreadOrChurnSucceedWithinTheHopBound() {
        Scenario sc = dht(400, 1);
        sc.set("latency_ms", "20");
        Result r = Sim.run(sc);
        System.out.println(r.json());
        assertTrue(r.number("lookup_success") >= 0.999, "lookup success " + r.get("lookup_success"));
        // Each hop should shorten the distance by about log2(k) bits of log2(N): ceil(log N / log k) + 1 hops.
        double bound = Math.ceil(Math.log(400) / Math.log(20)) + 1;
        assertEquals(bound, r.number("hops_bound"));
        assertTrue(r.number("hops_p50") <= 3, "median hops " + r.get("hops_p50"));
        assertTrue(r.number("hops_max") <= bound, "max hops " + r.get("hops_max") + " > " + bound);
        // With every link 20 ms, a lookup that finds its target at hop h took at least h round trips.
        assertTrue(r.number("latency_ms_p50") >= 40 * r.number("hops_p50") - 1e-6, r.json());
        JsonObject ops = JsonParser.parseString(r.json()).getAsJsonObject().getAsJsonObject("operations");
        for (String op : new String[] {"get", "find_providers"}) {
            assertTrue(ops.getAsJsonObject(op).get("success").getAsDouble() >= 0.99, op + ": " + ops.get(op));
        }
        assertEquals(0, r.number("malformed"));
    }

    @Test
    @Timeout(120)
    void dhtLookupsSurviveAQuarterOfTheNodesChurning() {
        Scenario sc = dht(300, 3);
        sc.set("churn", "0.25");
        sc.set("session_mean_s", "60");
        sc.set("offline_mean_s", "60");
        sc.set("lookup_duration_s", "200");
        Result r = Sim.run(sc);
        System.out.println(r.json());
        assertTrue(r.number("online_at_end") < 300, "some churners are away at the end");
        assertTrue(r.number("lookup_success") >= 0.99, "lookup success " + r.get("lookup_success"));
    }

    @Test
    @Timeout(120)
    void sybilsGroundNearAKeyHideItsProvidersWhileLookupsAroundThemStillSucceed() {
        Scenario sc = dht(300, 5);
        sc.set("colluders", "0.1");
        sc.set("eclipse_victims", "2");
        Result r = Sim.run(sc);
        System.out.println(r.json());
        assertEquals(30 + 2 * 20, r.number("colluders"));
        JsonObject ops = JsonParser.parseString(r.json()).getAsJsonObject().getAsJsonObject("operations");
        double eclipsed = ops.getAsJsonObject("find_providers_eclipsed").get("success").getAsDouble();
        double other = ops.getAsJsonObject("find_providers").get("success").getAsDouble();
        // The k closest peers to an eclipsed key are Sybils: the provider's records land only on them.
        assertTrue(eclipsed <= 0.2, "eclipsed keys found " + eclipsed);
        assertTrue(other >= 0.99, "other keys found " + other);
        assertTrue(r.number("lookup_success") >= 0.99, "lookups " + r.get("lookup_success"));
    }

    @Test
    @Timeout(120)
    void gossipReachesEverySubscriberNearTheShortestPathBoundWithFewDuplicates() {
        Scenario sc = gossip(200, 2);
        sc.set("latency_ms", "20");
        Result r = Sim.run(sc);
        System.out.println(r.json());
        assertEquals(1.0, r.number("delivery"));
        assertTrue(r.number("p99_over_bound") <= 1.5, "p99 over bound " + r.get("p99_over_bound"));
        // Eager push along the mesh: every copy arrives no later than the mesh's shortest path plus queueing,
        // and nothing waits for a heartbeat.
        assertTrue(r.number("time_to_100_ms") <= r.number("bound_100_ms") + 1000, r.json());
        assertTrue(r.number("duplicates_per_message_per_node") <= r.number("d"), r.json());
    }

    @Test
    @Timeout(120)
    void gossipDeliveryStaysWholeWithSpammersAndCensors() {
        Scenario sc = gossip(200, 4);
        sc.set("spammers", "0.1");
        sc.set("censors", "0.1");
        Result r = Sim.run(sc);
        System.out.println(r.json());
        assertEquals(20, r.number("spammers"));
        assertEquals(1.0, r.number("delivery"));
        assertEquals(0, r.number("spam_delivered_to_honest"));
    }

    @Test
    @Timeout(120)
    void idontwantCutsDuplicatesOfLargeMessages() {
        Scenario on = gossip(120, 6);
        on.set("message_size", "98304");
        on.set("messages", "10");
        on.set("publish_interval_ms", "1000");
        Scenario off = gossip(120, 6);
        off.set("message_size", "98304");
        off.set("messages", "10");
        off.set("publish_interval_ms", "1000");
        off.set("idontwant", "false");
        Result withIt = Sim.run(on);
        Result without = Sim.run(off);
        System.out.println(withIt.json());
        System.out.println(without.json());
        assertEquals(1.0, withIt.number("delivery"));
        assertEquals(1.0, without.number("delivery"));
        assertTrue(withIt.number("duplicates_per_message") < without.number("duplicates_per_message"),
                withIt.get("duplicates_per_message") + " >= " + without.get("duplicates_per_message"));
    }
}
