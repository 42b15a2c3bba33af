package org.jlibp2p.relay.dcutr;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Connection;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.protocols.echo.EchoBehaviour;
import org.jlibp2p.relay.Reservation;

/**
 * One node of {@link NatTraversalTest}, run in its own JVM inside a network namespace, driven by lines on standard
 * input and answering on standard output. {@code relay <listen>} prints {@code addr <multiaddr>} and serves until
 * its input ends. {@code peer <listen>} takes {@code start <relay>} (a fresh node: connect to the relay, learn the
 * observed address, reserve; prints {@code reserved <circuit address>}), {@code punch <circuit address>} (dial
 * through the relay, wait for hole punching; prints {@code punch ok <ms> <round> <rtt ms> <address>} or
 * {@code punch fail ...}, then {@code echo direct|relayed ok|fail}), {@code stop} and {@code quit}.
 */
public final class NatNode {
    private NatNode() {}

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].equals("relay")) {
            try (TcpNode relay = new TcpNode(args[1], true)) {
                say("addr " + relay.address);
                while (in.readLine() != null) {
                    // serve until the test ends our input
                }
            }
            return;
        }
        TcpNode node = null;
        try {
            for (String line; (line = in.readLine()) != null; ) {
                String[] cmd = line.trim().split(" ");
                try {
                    switch (cmd[0]) {
                        case "start" -> {
                            if (node != null) {
                                node.close();
                            }
                            node = new TcpNode(args[1], false);
                            Multiaddr relay = Multiaddr.parse(cmd[1]);
                            PeerId relayId = PeerId.fromBytes(relay.peerIdMultihash().orElseThrow().bytes());
                            node.swarm.dial(relay);
                            node.recorder.await(SwarmEvent.ExternalAddressCandidate.class, e -> true,
                                    Duration.ofSeconds(20));
                            Reservation r = node.client.reserve(relayId, List.of());
                            say("reserved " + r.circuitAddresses().getFirst()
                                    .withPeerId(node.swarm.localPeer().multihash()));
                        }
                        case "punch" -> punch(node, Multiaddr.parse(cmd[1]));
                        case "stop" -> {
                            if (node != null) {
                                node.close();
                                node = null;
                            }
                            say("stopped");
                        }
                        case "quit" -> {
                            return;
                        }
                        default -> say("error unknown command " + line);
                    }
                } catch (Exception e) {
                    say("error " + e.toString().replace('\n', ' '));
                }
            }
        } finally {
            if (node != null) {
                node.close();
            }
        }
    }

    private static void punch(TcpNode node, Multiaddr circuit) throws Exception {
        PeerId peer = PeerId.fromBytes(circuit.peerIdMultihash().orElseThrow().bytes());
        Connection relayed = node.swarm.dial(circuit);
        DcutrEvent e = node.recorder.awaitEmitted(DcutrEvent.class, x -> x.peer().equals(peer),
                Duration.ofSeconds(60));
        byte[] data;
        Connection over;
        switch (e) {
            case DcutrEvent.DirectConnectionUpgraded u -> {
                say("punch ok " + u.elapsed().toMillis() + " " + u.attempt() + " " + u.rtt().toMillis() + " "
                        + u.remoteAddress());
                over = node.swarm.connection(peer).orElseThrow();
                data = new byte[200 * 1024]; // more than the relay lets through
            }
            case DcutrEvent.UpgradeFailed f -> {
                say("punch fail " + f.attempts() + " " + f.reason().replace(' ', '_'));
                over = relayed;
                data = new byte[1024];
            }
        }
        new Random(3).nextBytes(data);
        String kind = over.limited() ? "relayed" : "direct";
        try {
            boolean same = Arrays.equals(data, EchoBehaviour.exchange(over, data));
            say("echo " + kind + (same ? " ok" : " fail"));
        } catch (Exception x) {
            say("echo " + kind + " fail " + x.getMessage());
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
