package org.jlibp2p.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.autonat.AutonatBehaviour;
import org.jlibp2p.autonat.AutonatConfig;
import org.jlibp2p.autonat.AutonatEvent;
import org.jlibp2p.autonat.DialBack;
import org.jlibp2p.autonat.Reachability;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.EventSubscription;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.node.Stacks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * AutoNAT with js-libp2p (interop/js/autonat.mjs): a js node speaks v1 and v2 to our server with the messages of
 * {@code @libp2p/autonat} and {@code @libp2p/autonat-v2}, and our client asks the js node's {@code @libp2p/autonat}
 * server. Everything is on loopback, which js's servers never dial (they refuse private addresses): the js server's
 * answer is checked for what it proves (it parsed our request, our peer id included), our server's for a real
 * dial-back.
 */
@Timeout(120)
class AutonatInteropTest {
    private static final List<Swarm> swarms = new ArrayList<>();
    private static JsScript js;
    private static PeerId jsPeer;
    private static Multiaddr jsLoopback1;
    private static Multiaddr jsLoopback2;
    private static String server;

    @BeforeAll
    static void start() throws Exception {
        Swarm dialer = Stacks.tcpNoise(Keys.generateEd25519().privateKey());
        Swarm s = Stacks.tcpNoise(Keys.generateEd25519().privateKey());
        swarms.add(dialer);
        swarms.add(s);
        s.addBehaviour(new AutonatBehaviour(AutonatConfig.defaults().withClient(false).withServer(true)
                .withAllowPrivateAddresses(true), DialBack.over(dialer)));
        server = s.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).withPeerId(s.localPeer().multihash()).toString();
        js = JsScript.start("autonat.mjs");
        JsonObject ready = js.next(60);
        jsPeer = PeerId.parse(ready.get("peerId").getAsString());
        for (JsonElement a : ready.getAsJsonArray("addrs")) {
            Multiaddr m = Multiaddr.parse(a.getAsString()).withoutPeerId();
            if (m.toString().startsWith("/ip4/127.0.0.1/")) {
                jsLoopback1 = m;
            } else if (m.toString().startsWith("/ip4/127.0.0.2/")) {
                jsLoopback2 = m;
            }
        }
    }

    @AfterAll
    static void stop() {
        if (js != null) {
            js.close();
        }
        swarms.forEach(Swarm::close);
    }

    private static JsonObject ok(JsonObject answer) {
        assertTrue(answer.get("ok").getAsBoolean(), answer.toString());
        return answer;
    }

    @Test
    void ourV1ServerDialsTheJsClientBackAtItsOwnIpOnly() throws Exception {
        JsonObject r = ok(js.send(30, "cmd", "v1", "addr", server, "ask", jsLoopback1.toString()));
        assertEquals("DIAL_RESPONSE", r.get("type").getAsString());
        assertEquals("OK", r.get("status").getAsString(), r.toString());
        assertEquals(jsLoopback1.toString(), r.get("addr").getAsString());

        // 127.0.0.2 is not the IP the request came from: v1 never dials it.
        r = ok(js.send(30, "cmd", "v1", "addr", server, "ask", jsLoopback2.toString()));
        assertEquals("E_DIAL_REFUSED", r.get("status").getAsString(), r.toString());
    }

    @Test
    void ourV2ServerDialsBackWithTheNonceAndAsksForDataBeforeAnotherIp() throws Exception {
        JsonObject r = ok(js.send(30, "cmd", "v2", "addr", server, "ask", jsLoopback1.toString()));
        assertEquals("OK", r.get("status").getAsString(), r.toString());
        assertEquals("OK", r.get("dialStatus").getAsString(), r.toString());
        assertEquals(0, r.get("addrIdx").getAsInt());
        assertEquals(0, r.get("dialData").getAsInt(), "no data asked for the requester's own IP");
        assertTrue(r.get("dialedBack").getAsBoolean(), "the js node got the nonce on a dial-back stream");

        r = ok(js.send(30, "cmd", "v2", "addr", server, "ask", jsLoopback2.toString()));
        assertEquals("OK", r.get("dialStatus").getAsString(), r.toString());
        int paid = r.get("dialData").getAsInt();
        assertTrue(paid >= 30_000 && paid <= 100_000, "paid " + paid);
        assertTrue(r.get("dialedBack").getAsBoolean());
    }

    @Test
    void theJsV1ServerAnswersOurClient() throws Exception {
        Swarm c = Stacks.tcpNoise(Keys.generateEd25519().privateKey());
        swarms.add(c);
        c.addBehaviour(new AutonatBehaviour(AutonatConfig.defaults().withV2(false).withAllowPrivateAddresses(true)
                .withConfirmations(1).withSchedule(Duration.ofMillis(300), Duration.ofMillis(500),
                        Duration.ofSeconds(30))));
        EventSubscription events = c.subscribe();
        c.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        c.dial(jsPeer, List.of(jsLoopback1));
        AutonatEvent.ProbeAnswered a = null;
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (a == null && System.nanoTime() < end) {
            if (events.poll(Duration.ofNanos(Math.max(1, end - System.nanoTime()))).orElse(null)
                    instanceof SwarmEvent.Emitted(AutonatEvent.ProbeAnswered p) && p.server().equals(jsPeer)) {
                a = p;
            }
        }
        assertTrue(a != null, "no answer from the js server within 30 s");
        // js refuses loopback addresses; "no dialable addresses" (not "peer id mismatch" or "bad peer id") shows it
        // read our DIAL and our peer id.
        assertEquals(Reachability.UNKNOWN, a.answer());
        assertEquals(AutonatBehaviour.PROTOCOL_ID, a.protocol());
        assertEquals("E_DIAL_REFUSED no dialable addresses", a.detail());
    }
}
