package org.jlibp2p.node.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jlibp2p.testkit.TestNetwork;
import org.jlibp2p.testkit.TestNode;
import org.jlibp2p.testkit.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's second behaviour: lines shouted by one node reach every neighbour, in order. */
@Timeout(60)
class ShoutBehaviourTest {
    @Test
    void everyNeighbourHearsEveryLineInOrder() throws Exception {
        try (TestNetwork net = TestNetwork.builder().nodes(4)
                .behaviours(i -> List.of(new ShoutBehaviour())).build()) {
            net.connect(Topology.fullMesh());
            ShoutBehaviour center = net.node(0).swarm().behaviour(ShoutBehaviour.class).orElseThrow();
            for (int i = 0; i < 20; i++) {
                center.shout("line " + i);
            }
            net.require("three neighbours heard 20 lines", () -> net.nodes().stream().skip(1)
                    .allMatch(n -> n.recorder().emitted(ShoutBehaviour.Heard.class).size() == 20));
            for (TestNode n : net.nodes().subList(1, 4)) {
                List<ShoutBehaviour.Heard> heard = n.recorder().emitted(ShoutBehaviour.Heard.class);
                assertEquals("line 0", heard.getFirst().line());
                assertEquals("line 19", heard.getLast().line());
                assertTrue(heard.stream().allMatch(h -> h.from().equals(net.node(0).peerId())));
            }
            assertEquals(0, center.dropped.get());
        }
    }
}
