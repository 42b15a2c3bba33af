package org.jlibp2p.node.chat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.KademliaConfig;

/**
 * {@code bin/p2p-chat}: a terminal chat over libp2p. Rooms are Gossipsub topics whose members find each other
 * through the DHT; direct messages are acknowledged. Lines typed are messages to the current room, or commands
 * ({@code /help}); with {@code --json}, every line in and out is one JSON object (for bots and tests).
 */
public final class ChatMain {
    static final String USAGE = """
            usage: p2p-chat [--listen MULTIADDR] [--bootstrap MULTIADDR]... [--nick NAME] [--room NAME]...
                            [--dht-client] [--mdns] [--json]
              --listen     address to listen on (default /ip4/0.0.0.0/tcp/0)
              --bootstrap  a peer to connect to at start, with its /p2p/ part (repeatable)
              --nick       your nickname (default: the end of your peer id)
              --room       a room to join at start (repeatable; the last is the current room)
              --dht-client use the DHT without serving it (default: serve it)
              --mdns       also find peers on the local network by mDNS
              --json       one JSON object per line in and out, for programs""";
    static final String HELP = """
            /join ROOM         join ROOM (or switch to it) and make it the current room
            /leave ROOM        leave ROOM
            /rooms             rooms joined, and rooms connected peers are in
            /peers [ROOM]      members of ROOM (default: the current room) you are connected to
            /nick NAME         change your nickname
            /dm WHO TEXT       a direct message to a peer id or nickname; you see when it is delivered
            /history [ROOM]    this session's messages of ROOM (default: the current room); /history dm for direct ones
            /quit              leave
            anything else      a message to the current room""";
    /** The longest line read from the terminal or a program; the rest of a longer one is dropped. */
    static final int MAX_LINE = 16 * 1024;

    private final PrintStream out;
    private final boolean json;
    private ChatNode node;
    private volatile String current = "";

    private ChatMain(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    public static void main(String[] args) throws Exception {
        Multiaddr listen = Multiaddr.parse("/ip4/0.0.0.0/tcp/0");
        List<Multiaddr> bootstrap = new ArrayList<>();
        List<String> rooms = new ArrayList<>();
        Optional<String> nick = Optional.empty();
        boolean json = false;
        boolean mdns = false;
        KademliaConfig.Mode mode = KademliaConfig.Mode.SERVER;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    case "--json" -> json = true;
                    case "--dht-client" -> mode = KademliaConfig.Mode.CLIENT;
                    case "--mdns" -> mdns = true;
                    case "--listen", "--bootstrap", "--nick", "--room" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        String v = args[++i];
                        switch (a) {
                            case "--listen" -> listen = Multiaddr.parse(v);
                            case "--bootstrap" -> bootstrap.add(Multiaddr.parse(v));
                            case "--nick" -> {
                                ChatCodec.checkNick(v);
                                nick = Optional.of(v);
                            }
                            default -> {
                                ChatCodec.checkRoom(v);
                                rooms.add(v);
                            }
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("p2p-chat: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ChatMain chat = new ChatMain(out, json);
        var key = Keys.generateEd25519().privateKey();
        String name = nick.orElseGet(() -> {
            String id = PeerId.fromPublicKey(key.publicKey()).toString();
            return id.substring(id.length() - 6);
        });
        try (ChatNode node = new ChatNode(key, listen, mode, name, chat::show)) {
            chat.node = node;
            if (mdns) {
                node.addDiscovery(new MdnsDiscovery(node.swarm()));
            }
            for (Multiaddr b : bootstrap) {
                try {
                    node.connect(b);
                } catch (IOException e) {
                    chat.show(new ChatEvent.Notice("could not connect to " + b + ": " + e.getMessage()));
                }
            }
            for (String r : rooms) {
                node.join(r);
                chat.current = r;
            }
            chat.ready();
            chat.run(new BufferedInputStream(System.in));
        }
        System.exit(0);
    }

    private void ready() {
        if (json) {
            JsonObject o = event("ready");
            o.addProperty("peer", node.peerId().toString());
            o.addProperty("nick", node.nick());
            o.add("addrs", strings(node.addresses().stream().map(Multiaddr::toString).toList()));
            o.add("rooms", strings(node.joinedRooms()));
            print(o);
        } else {
            print("Peer ID: " + node.peerId());
            node.addresses().forEach(a -> print("Listening on " + a));
            print(current.isEmpty() ? "Join a room with /join ROOM; /help lists the commands."
                    : "You are " + node.nick() + " in #" + current + ". Type a message, or /help.");
        }
    }

    private void run(InputStream in) throws InterruptedException {
        for (String line; (line = readLine(in)) != null; ) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                boolean more = json ? jsonCommand(line) : command(line);
                if (!more) {
                    return;
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                error(e.getMessage());
            }
        }
    }

    // --- the terminal --------------------------------------------------------------------------------------------

    private boolean command(String line) throws InterruptedException {
        if (!line.startsWith("/")) {
            if (current.isEmpty()) {
                throw new IllegalArgumentException("join a room first: /join ROOM");
            }
            node.send(current, line);
            return true;
        }
        String[] parts = line.split("\\s+", 3);
        String arg = parts.length > 1 ? parts[1] : "";
        switch (parts[0]) {
            case "/quit", "/exit" -> {
                return false;
            }
            case "/help" -> print(HELP);
            case "/join" -> {
                require(arg, "/join ROOM");
                node.join(arg);
                current = arg;
                print("* you are in #" + arg);
            }
            case "/leave" -> {
                require(arg, "/leave ROOM");
                node.leave(arg);
                if (arg.equals(current)) {
                    List<String> left = node.joinedRooms();
                    current = left.isEmpty() ? "" : left.getLast();
                }
                print("* you left #" + arg + (current.isEmpty() ? "" : "; the current room is #" + current));
            }
            case "/rooms" -> {
                List<String> joined = node.joinedRooms();
                print("* joined: " + (joined.isEmpty() ? "none" : String.join(" ", joined.stream()
                        .map(r -> "#" + r + (r.equals(current) ? " (current)" : "")).toList())));
                List<String> others = node.knownRooms().stream().filter(r -> !joined.contains(r)).toList();
                print("* other rooms of connected peers: " + (others.isEmpty() ? "none"
                        : String.join(" ", others.stream().map(r -> "#" + r).toList())));
            }
            case "/peers" -> {
                String room = arg.isEmpty() ? current : arg;
                List<PeerId> peers = room.isEmpty() ? node.connectedPeers() : node.peers(room);
                print("* " + peers.size() + (room.isEmpty() ? " connected peers" : " peers in #" + room)
                        + (peers.isEmpty() ? "" : ":"));
                peers.forEach(p -> print("  " + node.nickOf(p).orElse("?") + "  " + p));
            }
            case "/nick" -> {
                require(arg, "/nick NAME");
                node.setNick(arg);
                print("* you are now " + arg);
            }
            case "/dm" -> {
                if (parts.length < 3) {
                    throw new IllegalArgumentException("usage: /dm PEER-ID-OR-NICK TEXT");
                }
                PeerId to = node.resolve(arg);
                String id = node.directMessage(to, parts[2], Optional.empty());
                print("* dm " + id + " to " + name(to) + " sent");
            }
            case "/history" -> {
                String room = arg.isEmpty() ? current : arg;
                List<ChatNode.Line> lines = room.equals("dm") ? node.history("") : node.history(room);
                print("* " + lines.size() + " messages" + (room.equals("dm") ? " (direct)" : " in #" + room));
                for (ChatNode.Line l : lines) {
                    print(l.direct() ? "  [dm " + (l.from().equals(node.peerId())
                            ? "to " + name(l.to().orElseThrow()) : "from " + l.nick()) + "] " + l.text()
                            : "  " + l.nick() + ": " + l.text());
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + parts[0] + "; /help lists them");
        }
        return true;
    }

    private static void require(String arg, String usage) {
        if (arg.isEmpty()) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    /** {@code bob (12D3…jV2tFU)}, or the short id alone while the peer's nickname is unknown. */
    private String name(PeerId p) {
        return node.nickOf(p).map(n -> n + " (" + shortId(p) + ")").orElse(shortId(p));
    }

    private static String shortId(PeerId p) {
        String id = p.toString();
        return id.substring(0, 4) + "…" + id.substring(id.length() - 6);
    }

    // --- JSON lines ----------------------------------------------------------------------------------------------

    private boolean jsonCommand(String line) throws InterruptedException {
        JsonObject in;
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("each line is one JSON object");
            }
            in = e.getAsJsonObject();
        } catch (JsonParseException | StackOverflowError e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        String cmd = field(in, "cmd").orElseThrow(() -> new IllegalArgumentException("no \"cmd\""));
        switch (cmd) {
            case "quit" -> {
                return false;
            }
            case "send" -> {
                String room = field(in, "room").orElse(current);
                String text = field(in, "text").orElseThrow(() -> new IllegalArgumentException("no \"text\""));
                node.send(room, text);
                JsonObject o = event("sent");
                o.addProperty("room", room);
                o.addProperty("text", text);
                print(o);
            }
            case "dm" -> {
                PeerId to = node.resolve(field(in, "to").orElseThrow(() -> new IllegalArgumentException("no \"to\"")));
                String text = field(in, "text").orElseThrow(() -> new IllegalArgumentException("no \"text\""));
                String id = node.directMessage(to, text, field(in, "id"));
                JsonObject o = event("dm-sent");
                o.addProperty("id", id);
                o.addProperty("to", to.toString());
                print(o);
            }
            case "join", "leave" -> {
                String room = field(in, "room").orElseThrow(() -> new IllegalArgumentException("no \"room\""));
                if (cmd.equals("join")) {
                    node.join(room);
                    current = room;
                } else {
                    node.leave(room);
                }
                JsonObject o = event(cmd.equals("join") ? "joined" : "left");
                o.addProperty("room", room);
                print(o);
            }
            case "nick" -> {
                String nick = field(in, "nick").orElseThrow(() -> new IllegalArgumentException("no \"nick\""));
                node.setNick(nick);
                JsonObject o = event("nick");
                o.addProperty("peer", node.peerId().toString());
                o.addProperty("nick", nick);
                print(o);
            }
            case "rooms" -> {
                JsonObject o = event("rooms");
                o.add("joined", strings(node.joinedRooms()));
                o.add("known", strings(List.copyOf(node.knownRooms())));
                print(o);
            }
            case "peers" -> {
                Optional<String> room = field(in, "room");
                List<PeerId> peers = room.isPresent() ? node.peers(room.get()) : node.connectedPeers();
                JsonObject o = event("peers");
                room.ifPresent(r -> o.addProperty("room", r));
                JsonArray list = new JsonArray();
                for (PeerId p : peers) {
                    JsonObject po = new JsonObject();
                    po.addProperty("peer", p.toString());
                    node.nickOf(p).ifPresent(n -> po.addProperty("nick", n));
                    list.add(po);
                }
                o.add("peers", list);
                print(o);
            }
            case "history" -> {
                Optional<String> room = field(in, "room");
                JsonObject o = event("history");
                room.ifPresent(r -> o.addProperty("room", r));
                JsonArray list = new JsonArray();
                for (ChatNode.Line l : room.map(node::history).orElseGet(node::history)) {
                    JsonObject lo = new JsonObject();
                    if (l.direct()) {
                        lo.addProperty("direct", true);
                        l.to().ifPresent(t -> lo.addProperty("to", t.toString()));
                    } else {
                        lo.addProperty("room", l.room());
                    }
                    lo.addProperty("from", l.from().toString());
                    lo.addProperty("nick", l.nick());
                    lo.addProperty("text", l.text());
                    lo.addProperty("ts", l.timestampMillis());
                    list.add(lo);
                }
                o.add("messages", list);
                print(o);
            }
            default -> throw new IllegalArgumentException("unknown cmd " + cmd);
        }
        return true;
    }

    private static Optional<String> field(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
                ? Optional.of(e.getAsString()) : Optional.empty();
    }

    private static JsonObject event(String name) {
        JsonObject o = new JsonObject();
        o.addProperty("event", name);
        return o;
    }

    private static JsonArray strings(List<String> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    // --- output --------------------------------------------------------------------------------------------------

    /** Shows what the node reports; called from the node's threads. */
    private void show(ChatEvent e) {
        if (json) {
            print(switch (e) {
                case ChatEvent.Message m -> {
                    JsonObject o = event("message");
                    o.addProperty("room", m.room());
                    o.addProperty("from", m.from().toString());
                    o.addProperty("nick", m.nick());
                    o.addProperty("text", m.text());
                    o.addProperty("ts", m.timestampMillis());
                    yield o;
                }
                case ChatEvent.Direct d -> {
                    JsonObject o = event("dm");
                    o.addProperty("id", d.id());
                    o.addProperty("from", d.from().toString());
                    o.addProperty("nick", d.nick());
                    o.addProperty("text", d.text());
                    o.addProperty("ts", d.timestampMillis());
                    yield o;
                }
                case ChatEvent.Delivered d -> {
                    JsonObject o = event("delivered");
                    o.addProperty("id", d.id());
                    o.addProperty("to", d.to().toString());
                    yield o;
                }
                case ChatEvent.Failed f -> {
                    JsonObject o = event("failed");
                    o.addProperty("id", f.id());
                    o.addProperty("to", f.to().toString());
                    o.addProperty("reason", f.reason());
                    yield o;
                }
                case ChatEvent.PeerJoined j -> peerEvent("peer-joined", j.room(), j.peer(), j.nick());
                case ChatEvent.PeerLeft l -> peerEvent("peer-left", l.room(), l.peer(), l.nick());
                case ChatEvent.NickChanged n -> {
                    JsonObject o = event("nick");
                    o.addProperty("peer", n.peer().toString());
                    o.addProperty("nick", n.nick());
                    yield o;
                }
                case ChatEvent.Notice n -> {
                    JsonObject o = event("notice");
                    o.addProperty("text", n.text());
                    yield o;
                }
            });
        } else {
            switch (e) {
                case ChatEvent.Message m -> print("[#" + m.room() + "] " + m.nick() + ": " + m.text());
                case ChatEvent.Direct d -> print("[dm from " + d.nick() + "] " + d.text());
                case ChatEvent.Delivered d -> print("* dm " + d.id() + " to " + name(d.to()) + " delivered");
                case ChatEvent.Failed f -> print("* dm " + f.id() + " to " + name(f.to()) + " FAILED: " + f.reason());
                case ChatEvent.PeerJoined j -> print("* " + name(j.peer()) + " is in #" + j.room());
                case ChatEvent.PeerLeft l -> print("* " + name(l.peer()) + " left #" + l.room());
                case ChatEvent.NickChanged n -> print("* " + shortId(n.peer()) + " is " + n.nick());
                case ChatEvent.Notice n -> print("* " + n.text());
            }
        }
    }

    private static JsonObject peerEvent(String name, String room, PeerId peer, String nick) {
        JsonObject o = event(name);
        o.addProperty("room", room);
        o.addProperty("peer", peer.toString());
        if (!nick.isEmpty()) {
            o.addProperty("nick", nick);
        }
        return o;
    }

    private void error(String message) {
        if (json) {
            JsonObject o = event("error");
            o.addProperty("message", message);
            print(o);
        } else {
            print("! " + message);
        }
    }

    private void print(JsonObject o) {
        print(o.toString());
    }

    private void print(String line) {
        synchronized (out) {
            out.println(line);
        }
    }

    /** One line of UTF-8 of at most {@link #MAX_LINE} bytes (the rest dropped), or null at the end of input. */
    static String readLine(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) != -1; ) {
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                if (line.size() < MAX_LINE) {
                    line.write(b);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
}
