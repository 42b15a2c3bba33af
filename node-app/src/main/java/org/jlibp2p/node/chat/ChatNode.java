package org.jlibp2p.node.chat;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.core.swarm.EventSubscription;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.swarm.SwarmEvent;
import org.jlibp2p.gossipsub.GossipsubBehaviour;
import org.jlibp2p.gossipsub.GossipsubConfig;
import org.jlibp2p.gossipsub.GossipsubEvent;
import org.jlibp2p.gossipsub.Subscription;
import org.jlibp2p.gossipsub.ValidationResult;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.kademlia.KademliaConfig;
import org.jlibp2p.node.Stacks;

/**
 * A chat node: rooms are Gossipsub topics ({@value #TOPIC_PREFIX} + name) whose members find each other through the
 * DHT ({@link DhtRoomDiscovery}) and any other {@link PeerDiscovery}; direct messages go over their own protocol
 * ({@link DirectMessageBehaviour}) and are acknowledged. What happens reaches the user interface as
 * {@link ChatEvent}s; the session's messages are kept ({@link #history}). The user interfaces are {@link ChatMain}'s.
 */
public final class ChatNode implements AutoCloseable {
    public static final String TOPIC_PREFIX = "jlibp2p-chat/";
    /** Lines the session's history keeps, over all rooms and direct messages; older ones are forgotten. */
    public static final int HISTORY = 2_000;
    public static final Duration DM_TIMEOUT = Duration.ofSeconds(10);

    /** One line of the session's history; {@code room} is empty for a direct message. */
    public record Line(String room, PeerId from, String nick, String text, long timestampMillis, boolean direct,
            Optional<PeerId> to) {}

    private final Swarm swarm;
    private final GossipsubBehaviour pubsub;
    private final KademliaBehaviour dht;
    private final DirectMessageBehaviour dms;
    private final List<PeerDiscovery> discoveries = new CopyOnWriteArrayList<>();
    private final Consumer<ChatEvent> listener;
    private final Map<String, Subscription> rooms = new LinkedHashMap<>(); // guarded by itself
    private final Set<String> validated = ConcurrentHashMap.newKeySet();
    private final Map<PeerId, String> nicks = new ConcurrentHashMap<>();
    private final Map<String, Set<PeerId>> seenRooms = new ConcurrentHashMap<>(); // others' rooms, from Gossipsub
    private final Set<PeerId> dialling = ConcurrentHashMap.newKeySet();
    private final Deque<Line> history = new ArrayDeque<>(); // guarded by itself
    private final BlockingQueue<GossipsubEvent> pubsubEvents = new ArrayBlockingQueue<>(1024);
    private final SecureRandom random = new SecureRandom();
    private final EventSubscription swarmEvents;
    private volatile String nick;
    private volatile boolean closed;

    /**
     * Starts a node: TCP, Noise and Yamux with identify and ping, Gossipsub, Kademlia in {@code dhtMode} (keeping
     * private addresses, for a LAN or one machine) and direct messages; listening on {@code listen}.
     */
    public ChatNode(PrivateKey key, Multiaddr listen, KademliaConfig.Mode dhtMode, String nick,
            Consumer<ChatEvent> listener) throws IOException, InterruptedException {
        ChatCodec.checkNick(nick);
        this.nick = nick;
        this.listener = listener;
        this.swarm = Stacks.tcpNoise(key);
        try {
            this.pubsub = new GossipsubBehaviour(GossipsubConfig.defaults());
            this.dht = new KademliaBehaviour(KademliaConfig.defaults().withMode(dhtMode).withPrivateAddresses(true));
            this.dms = new DirectMessageBehaviour();
            swarm.addBehaviour(pubsub);
            swarm.addBehaviour(dht);
            swarm.addBehaviour(dms);
            this.swarmEvents = swarm.subscribe();
            pubsub.addListener(e -> {
                if (e instanceof GossipsubEvent.PeerSubscribed || e instanceof GossipsubEvent.PeerUnsubscribed
                        || e instanceof GossipsubEvent.PeerRemoved) {
                    pubsubEvents.offer(e); // never blocks Gossipsub's thread; a burst past 1,024 loses notices only
                }
            });
            swarm.listen(listen);
        } catch (IOException | RuntimeException e) {
            swarm.close();
            throw e;
        }
        Thread.ofVirtual().name("chat-pubsub-events").start(this::pubsubEvents);
        Thread.ofVirtual().name("chat-swarm-events").start(this::swarmEvents);
        addDiscovery(new DhtRoomDiscovery(dht));
    }

    public Swarm swarm() {
        return swarm;
    }

    public PeerId peerId() {
        return swarm.localPeer();
    }

    /** The addresses others can dial, each with this node's {@code /p2p/} part. */
    public List<Multiaddr> addresses() {
        return swarm.listenAddresses().stream().map(a -> a.withPeerId(peerId().multihash())).toList();
    }

    public String nick() {
        return nick;
    }

    /** Adds a source of peers (mDNS, ...), told of the rooms joined from now on and of those joined already. */
    public void addDiscovery(PeerDiscovery d) {
        discoveries.add(d);
        d.start(this::found);
        for (String room : joinedRooms()) {
            d.joined(room);
        }
    }

    /** Dials {@code address} (with its {@code /p2p/} part). Blocking. */
    public void connect(Multiaddr address) throws IOException {
        swarm.dial(address);
    }

    // --- rooms ---------------------------------------------------------------------------------------------------

    /** Joins {@code room}: subscribes to its topic, provides it in the DHT and looks for its members. */
    public void join(String room) throws InterruptedException {
        ChatCodec.checkRoom(room);
        String topic = TOPIC_PREFIX + room;
        synchronized (rooms) {
            if (rooms.containsKey(room)) {
                return;
            }
            if (validated.add(topic)) {
                // malformed messages are rejected, which counts against the peer that sent them (its score)
                pubsub.addValidator(topic, (from, m) -> {
                    try {
                        ChatCodec.decodeRoomMessage(m.data());
                        return ValidationResult.ACCEPT;
                    } catch (ChatFormatException e) {
                        return ValidationResult.REJECT;
                    }
                });
            }
            rooms.put(room, pubsub.subscribe(topic, r -> received(room, r)));
        }
        for (PeerDiscovery d : discoveries) {
            d.joined(room);
        }
        hello(room);
    }

    public void leave(String room) {
        Subscription s;
        synchronized (rooms) {
            s = rooms.remove(room);
        }
        if (s != null) {
            s.close();
            discoveries.forEach(d -> d.left(room));
        }
    }

    public List<String> joinedRooms() {
        synchronized (rooms) {
            return List.copyOf(rooms.keySet());
        }
    }

    /** Rooms that connected peers are in (their Gossipsub subscriptions), this node's own included. */
    public Set<String> knownRooms() {
        Set<String> all = new TreeSet<>(joinedRooms());
        seenRooms.forEach((room, peers) -> {
            if (!peers.isEmpty()) {
                all.add(room);
            }
        });
        return all;
    }

    /** The members of {@code room} this node is connected to. */
    public List<PeerId> peers(String room) throws InterruptedException {
        return List.copyOf(new TreeSet<>(pubsub.peers(TOPIC_PREFIX + room)));
    }

    /** Every connected peer. */
    public List<PeerId> connectedPeers() {
        return List.copyOf(new TreeSet<>(swarm.connectedPeers()));
    }

    /** The nickname {@code peer} last told, if any. */
    public Optional<String> nickOf(PeerId peer) {
        return peer.equals(peerId()) ? Optional.of(nick) : Optional.ofNullable(nicks.get(peer));
    }

    /** Sends {@code text} to {@code room}, which this node must have joined. */
    public void send(String room, String text) throws InterruptedException {
        ChatCodec.checkText(text);
        if (!joinedRooms().contains(room)) {
            throw new IllegalArgumentException("not in room " + room);
        }
        long now = System.currentTimeMillis();
        pubsub.publish(TOPIC_PREFIX + room,
                ChatCodec.encode(new ChatCodec.RoomMessage(ChatCodec.RoomMessage.Kind.TEXT, nick, text, now)));
        remember(new Line(room, peerId(), nick, text, now, false, Optional.empty()));
    }

    /** Changes this node's nickname and tells every joined room. */
    public void setNick(String newNick) throws InterruptedException {
        ChatCodec.checkNick(newNick);
        nick = newNick;
        for (String room : joinedRooms()) {
            hello(room);
        }
    }

    // --- direct messages -----------------------------------------------------------------------------------------

    /**
     * Resolves {@code who}, a peer id or the nickname of a known peer.
     *
     * @throws IllegalArgumentException when it is neither, or the nickname is ambiguous
     */
    public PeerId resolve(String who) {
        try {
            return PeerId.parse(who);
        } catch (PeerIdException | IllegalArgumentException notAnId) {
            List<PeerId> matches = nicks.entrySet().stream().filter(e -> e.getValue().equals(who))
                    .map(Map.Entry::getKey).toList();
            if (matches.size() == 1) {
                return matches.getFirst();
            }
            throw new IllegalArgumentException(matches.isEmpty() ? "no peer known as " + who
                    : who + " is the nickname of " + matches.size() + " peers: use a peer id");
        }
    }

    /**
     * Sends a direct message in the background; {@link ChatEvent.Delivered} or {@link ChatEvent.Failed} follows with
     * the returned id.
     */
    public String directMessage(PeerId to, String text, Optional<String> id) {
        ChatCodec.checkText(text);
        String messageId = id.orElseGet(() -> HexFormat.of().formatHex(randomBytes(8)));
        long now = System.currentTimeMillis();
        ChatCodec.Direct m = new ChatCodec.Direct(messageId, nick, text, now);
        remember(new Line("", peerId(), nick, text, now, true, Optional.of(to)));
        Thread.ofVirtual().name("chat-dm-send").start(() -> {
            try {
                dms.send(to, m, DM_TIMEOUT);
                listener.accept(new ChatEvent.Delivered(messageId, to));
            } catch (IOException | RuntimeException e) {
                listener.accept(new ChatEvent.Failed(messageId, to, String.valueOf(e.getMessage())));
            }
        });
        return messageId;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    // --- history -------------------------------------------------------------------------------------------------

    /** The session's lines of {@code room} (empty: direct messages), oldest first. */
    public List<Line> history(String room) {
        synchronized (history) {
            return history.stream().filter(l -> l.room().equals(room)).toList();
        }
    }

    /** Every line of the session, oldest first. */
    public List<Line> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    private void remember(Line line) {
        synchronized (history) {
            if (history.size() >= HISTORY) {
                history.removeFirst();
            }
            history.addLast(line);
        }
    }

    // --- what arrives --------------------------------------------------------------------------------------------

    private void received(String room, GossipsubEvent.Received r) {
        PeerId author = r.message().from().orElse(r.source());
        if (author.equals(peerId())) {
            return; // our own, delivered back by the subscription
        }
        ChatCodec.RoomMessage m;
        try {
            m = ChatCodec.decodeRoomMessage(r.message().data());
        } catch (ChatFormatException e) {
            return; // the validator refused it already; nothing else gets here
        }
        learnNick(author, m.nick());
        if (m.kind() == ChatCodec.RoomMessage.Kind.TEXT) {
            remember(new Line(room, author, m.nick(), m.text(), m.timestampMillis(), false, Optional.empty()));
            listener.accept(new ChatEvent.Message(room, author, m.nick(), m.text(), m.timestampMillis()));
        }
    }

    private void learnNick(PeerId peer, String newNick) {
        String old = nicks.put(peer, newNick);
        if (!newNick.equals(old)) {
            listener.accept(new ChatEvent.NickChanged(peer, newNick));
        }
    }

    private void hello(String room) throws InterruptedException {
        pubsub.publish(TOPIC_PREFIX + room, ChatCodec.encode(new ChatCodec.RoomMessage(
                ChatCodec.RoomMessage.Kind.HELLO, nick, "", System.currentTimeMillis())));
    }

    private void pubsubEvents() {
        try {
            while (!closed) {
                GossipsubEvent e = pubsubEvents.poll(1, TimeUnit.SECONDS);
                switch (e) {
                    case null -> {}
                    case GossipsubEvent.PeerSubscribed(PeerId peer, String topic)
                            when topic.startsWith(TOPIC_PREFIX) -> {
                        String room = topic.substring(TOPIC_PREFIX.length());
                        seenRooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(peer);
                        if (joinedRooms().contains(room)) {
                            listener.accept(new ChatEvent.PeerJoined(room, peer, nicks.getOrDefault(peer, "")));
                            hello(room); // so that the newcomer learns our nickname
                        }
                    }
                    case GossipsubEvent.PeerUnsubscribed(PeerId peer, String topic)
                            when topic.startsWith(TOPIC_PREFIX) -> {
                        left(topic.substring(TOPIC_PREFIX.length()), peer);
                    }
                    case GossipsubEvent.PeerRemoved(PeerId peer) -> {  // disconnected: it left every room
                        for (String room : List.copyOf(seenRooms.keySet())) {
                            left(room, peer);
                        }
                    }
                    default -> {}
                }
            }
        } catch (InterruptedException | IllegalStateException e) {
            // closing
        }
    }

    private void left(String room, PeerId peer) {
        Set<PeerId> members = seenRooms.get(room);
        if (members != null && members.remove(peer) && joinedRooms().contains(room)) {
            listener.accept(new ChatEvent.PeerLeft(room, peer, nicks.getOrDefault(peer, "")));
        }
    }

    private void swarmEvents() {
        try {
            while (!closed) {
                switch (swarmEvents.poll(Duration.ofSeconds(1)).orElse(null)) {
                    case null -> {}
                    case SwarmEvent.Emitted(DirectMessageBehaviour.Received r) -> {
                        ChatCodec.Direct m = r.message();
                        learnNick(r.from(), m.nick());
                        remember(new Line("", r.from(), m.nick(), m.text(), m.timestampMillis(), true,
                                Optional.of(peerId())));
                        listener.accept(new ChatEvent.Direct(r.from(), m.nick(), m.text(), m.id(),
                                m.timestampMillis()));
                    }
                    default -> {}
                }
            }
        } catch (InterruptedException | IllegalStateException e) {
            // closing
        }
    }

    private void found(PeerDiscovery.Found f) {
        PeerId peer = f.peer();
        if (closed || peer.equals(peerId()) || swarm.isConnected(peer) || !dialling.add(peer)) {
            return;
        }
        Thread.ofVirtual().name("chat-dial").start(() -> {
            try {
                swarm.dial(peer, f.addresses());
            } catch (IOException | RuntimeException e) {
                listener.accept(new ChatEvent.Notice("could not reach " + peer + ": " + e.getMessage()));
            } finally {
                dialling.remove(peer);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        discoveries.forEach(PeerDiscovery::close);
        swarmEvents.close();
        swarm.close();
    }
}
