package org.jlibp2p.autonat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Direction;
import org.jlibp2p.core.time.ManualScheduler;
import org.jlibp2p.testkit.FakeBehaviourContext;
import org.jlibp2p.testkit.FakeConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's schedule on a manual clock, without a network (a probe then fails: "no network"). */
@Timeout(10)
class AutonatBehaviourTest {
    private final ManualScheduler clock = new ManualScheduler();
    private final FakeBehaviourContext context = new FakeBehaviourContext(Keys.generateEd25519().privateKey(), clock);

    private static Multiaddr addr(String s) {
        try {
            return Multiaddr.parse(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private PeerId connect(int i, Set<String> protocols) {
        KeyPair k = Keys.generateEd25519();
        PeerId p = PeerId.fromPublicKey(k.publicKey());
        context.addConnection(new FakeConnection(Direction.OUTBOUND, context.localPeer(), k.publicKey(),
                addr("/ip4/10.214.0.1/tcp/4001"), addr("/ip4/10.214.0." + (10 + i) + "/tcp/4001"), clock.now()));
        context.peerstore().setProtocols(p, protocols);
        return p;
    }

    @Test
    void probesStartAfterTheBootDelayAskOnlyServersAndRepeatOnTheRetryInterval() throws Exception {
        context.setListenAddresses(List.of(addr("/ip4/10.214.0.1/tcp/4001")));
        AutonatBehaviour autonat = new AutonatBehaviour(AutonatConfig.defaults().withAllowPrivateAddresses(true));
        for (int i = 0; i < 4; i++) {
            connect(i, Set.of(AutonatBehaviour.PROTOCOL_ID));
        }
        connect(9, Set.of("/ipfs/id/1.0.0"));
        autonat.start(context);
        assertEquals(Set.of(AutonatBehaviour.V2_DIAL_BACK), context.served(), "a client serves only v2 dial-backs");

        clock.advance(Duration.ofSeconds(14));
        assertTrue(context.pendingTasks().isEmpty(), "nothing before the boot delay");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(3, context.pendingTasks().size(), "three servers a round: " + context.pendingTasks());
        context.runSpawned();
        List<AutonatEvent.ProbeAnswered> answers = context.emitted(AutonatEvent.ProbeAnswered.class);
        assertEquals(3, answers.size());
        assertTrue(answers.stream().allMatch(a -> a.answer() == Reachability.UNKNOWN
                && a.detail().contains("no network")), answers.toString());
        assertEquals(Reachability.UNKNOWN, autonat.reachability());
        assertTrue(context.emitted(AutonatEvent.ReachabilityChanged.class).isEmpty(), "unknown stays unknown");

        clock.advance(Duration.ofSeconds(89));
        assertTrue(context.pendingTasks().isEmpty(), "the next round waits for the retry interval");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(3, context.pendingTasks().size());
    }

    @Test
    void aClientWithNoDialableAddressAsksNobody() throws Exception {
        context.setListenAddresses(List.of(addr("/ip4/10.214.0.1/tcp/4001")));
        new AutonatBehaviour(AutonatConfig.defaults()).start(context); // private addresses do not count by default
        connect(0, Set.of(AutonatBehaviour.PROTOCOL_ID));
        clock.advance(Duration.ofSeconds(20));
        assertTrue(context.pendingTasks().isEmpty());
    }

    @Test
    void aServerNeedsItsOwnDialer() {
        assertThrows(IllegalArgumentException.class,
                () -> new AutonatBehaviour(AutonatConfig.defaults().withServer(true)));
    }
}
