package org.jlibp2p.examples.ledger;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.EventSubscription;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.node.Stacks;

/**
 * Runs a ledger node: {@code bin/ledger-node [--listen MULTIADDR] [--bootstrap MULTIADDR]... [--produce SECONDS]}.
 * Each line typed becomes a signed transaction; with {@code --produce} the node makes a block of the pooled
 * transactions every so many seconds. What the node accepts is printed.
 */
public final class LedgerMain {
    private LedgerMain() {}

    public static void main(String[] args) throws Exception {
        Multiaddr listen = Multiaddr.parse("/ip4/0.0.0.0/tcp/0");
        List<Multiaddr> bootstrap = new ArrayList<>();
        Duration produce = Duration.ZERO;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: ledger-node [--listen MULTIADDR] [--bootstrap MULTIADDR]... [--produce SECONDS]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--listen" -> listen = Multiaddr.parse(v);
                case "--bootstrap" -> bootstrap.add(Multiaddr.parse(v));
                case "--produce" -> produce = Duration.ofSeconds(Long.parseLong(v));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        PrivateKey key = Keys.generateEd25519().privateKey();
        Chain chain = new Chain();
        try (Swarm swarm = Stacks.tcpNoise(key)) {
            for (Behaviour b : LedgerNode.behaviours(chain)) {
                swarm.addBehaviour(b);
            }
            LedgerNode node = LedgerNode.start(swarm, System.out::println);
            EventSubscription events = swarm.subscribe();
            Thread.ofVirtual().name("ledger-events").start(() -> {
                try {
                    while (!swarm.isClosed()) {
                        switch (events.take()) {
                            case SwarmEvent.Emitted(LedgerEvent.Synced s) ->
                                    System.out.println("fetched " + s.blocks() + " blocks from " + s.peer()
                                            + ", now at height " + s.height());
                            case SwarmEvent.Emitted(LedgerEvent.SyncFailed f) ->
                                    System.out.println("fetch from " + f.peer() + " failed: " + f.reason());
                            default -> {}
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            swarm.listen(listen);
            System.out.println("Peer ID: " + swarm.localPeer());
            for (Multiaddr addr : swarm.listenAddresses()) {
                System.out.println("Listening on " + addr + "/p2p/" + swarm.localPeer());
            }
            for (Multiaddr b : bootstrap) {
                swarm.dial(b);
            }
            if (!produce.isZero()) {
                Duration every = produce;
                Thread.ofVirtual().name("ledger-producer").start(() -> {
                    try {
                        while (!swarm.isClosed()) {
                            Thread.sleep(every);
                            node.produceBlock();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                byte[] payload = line.getBytes(StandardCharsets.UTF_8);
                if (payload.length > LedgerCodec.MAX_PAYLOAD) {
                    System.out.println("a transaction holds at most " + LedgerCodec.MAX_PAYLOAD + " bytes");
                } else if (!line.isBlank()) {
                    System.out.println("submitted " + node.submit(payload));
                }
            }
            // stdin closed: keep serving the chain until killed
            Thread.currentThread().join();
        }
    }
}
