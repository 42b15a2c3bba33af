package org.jlibp2p.node.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jlibp2p.kademlia.KademliaBehaviour;

/**
 * Finds the members of each joined room through the DHT: every member provides the key
 * {@code sha256("jlibp2p-chat-room:" + name)} (as a sha2-256 multihash) and looks for its providers, at once and then
 * again after 2, 4, 8 ... seconds, every 30 seconds at most, for as long as it stays in the room.
 */
public final class DhtRoomDiscovery implements PeerDiscovery {
    static final Duration FIRST_ROUND = Duration.ofSeconds(2);
    static final Duration MAX_ROUND = Duration.ofSeconds(30);
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    private final KademliaBehaviour dht;
    private final Map<String, Thread> rooms = new ConcurrentHashMap<>();
    private volatile Consumer<Found> found = f -> {};
    private volatile boolean closed;

    public DhtRoomDiscovery(KademliaBehaviour dht) {
        this.dht = dht;
    }

    /** The DHT key of a room: the sha2-256 multihash of {@code "jlibp2p-chat-room:" + room}. */
    public static byte[] roomKey(String room) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("jlibp2p-chat-room:" + room).getBytes(StandardCharsets.UTF_8));
            byte[] key = new byte[2 + digest.length];
            key[0] = 0x12; // sha2-256
            key[1] = 0x20; // 32 bytes
            System.arraycopy(digest, 0, key, 2, digest.length);
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    @Override
    public void start(Consumer<Found> found) {
        this.found = found;
    }

    @Override
    public void joined(String room) {
        rooms.computeIfAbsent(room, r -> Thread.ofVirtual().name("chat-dht-" + r).start(() -> lookFor(r)));
    }

    @Override
    public void left(String room) {
        Thread t = rooms.remove(room);
        if (t != null) {
            t.interrupt();
        }
        try {
            dht.stopProviding(roomKey(room));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException closing) {
            // the node is closing
        }
    }

    private void lookFor(String room) {
        byte[] key = roomKey(room);
        Duration wait = FIRST_ROUND;
        // One round per wait, the waits doubling to MAX_ROUND: bounded by the node's life and the room's.
        while (!closed && rooms.containsKey(room) && !Thread.currentThread().isInterrupted()) {
            try {
                dht.provide(key, LOOKUP_TIMEOUT);
                dht.findProviders(key, 20, LOOKUP_TIMEOUT,
                        p -> found.accept(new Found(p.peer(), p.addresses())));
            } catch (IOException | IllegalStateException e) {
                // no peers yet, or closing: try again next round
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            wait = wait.multipliedBy(2).compareTo(MAX_ROUND) > 0 ? MAX_ROUND : wait.multipliedBy(2);
        }
    }

    @Override
    public void close() {
        closed = true;
        rooms.values().forEach(Thread::interrupt);
        rooms.clear();
    }
}
