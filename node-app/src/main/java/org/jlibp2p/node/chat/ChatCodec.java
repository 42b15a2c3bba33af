package org.jlibp2p.node.chat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The chat's messages on the wire: small JSON objects in UTF-8, with limits checked before parsing (the size) and
 * after (each field).
 *
 * <pre>
 * room message (Gossipsub)   {"kind":"text","nick":"ann","text":"hi","ts":1733000000000}
 * presence     (Gossipsub)   {"kind":"hello","nick":"ann","ts":...}      (tells a room's members one's nick)
 * direct message (stream)    {"id":"5f1c...","nick":"ann","text":"hi","ts":...}
 * its acknowledgement        {"ack":"5f1c..."}
 * </pre>
 */
public final class ChatCodec {
    public static final int MAX_BYTES = 4096;
    public static final int MAX_NICK = 32;
    public static final int MAX_TEXT = 1000;
    public static final int MAX_ID = 64;
    public static final int MAX_ROOM = 64;

    private ChatCodec() {}

    /** A room message or a presence (an empty text). */
    public record RoomMessage(Kind kind, String nick, String text, long timestampMillis) {
        public enum Kind { TEXT, HELLO }

        public RoomMessage {
            checkNick(nick);
            checkText(text);
        }
    }

    /** A direct message. */
    public record Direct(String id, String nick, String text, long timestampMillis) {
        public Direct {
            if (id.isEmpty() || id.length() > MAX_ID) {
                throw new IllegalArgumentException("a message id has 1 to " + MAX_ID + " characters");
            }
            checkNick(nick);
            checkText(text);
        }
    }

    public static void checkNick(String nick) {
        if (nick.isBlank() || nick.length() > MAX_NICK || nick.codePoints().anyMatch(Character::isISOControl)
                || nick.contains(" ")) {
            throw new IllegalArgumentException("a nickname has 1 to " + MAX_NICK + " characters, no spaces");
        }
    }

    public static void checkText(String text) {
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("a message has at most " + MAX_TEXT + " characters");
        }
    }

    public static void checkRoom(String room) {
        if (room.isBlank() || room.length() > MAX_ROOM || room.codePoints().anyMatch(Character::isISOControl)
                || room.contains(" ")) {
            throw new IllegalArgumentException("a room name has 1 to " + MAX_ROOM + " characters, no spaces");
        }
    }

    public static byte[] encode(RoomMessage m) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", m.kind() == RoomMessage.Kind.TEXT ? "text" : "hello");
        o.addProperty("nick", m.nick());
        if (m.kind() == RoomMessage.Kind.TEXT) {
            o.addProperty("text", m.text());
        }
        o.addProperty("ts", m.timestampMillis());
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encode(Direct m) {
        JsonObject o = new JsonObject();
        o.addProperty("id", m.id());
        o.addProperty("nick", m.nick());
        o.addProperty("text", m.text());
        o.addProperty("ts", m.timestampMillis());
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encodeAck(String id) {
        JsonObject o = new JsonObject();
        o.addProperty("ack", id);
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static RoomMessage decodeRoomMessage(byte[] bytes) throws ChatFormatException {
        JsonObject o = parse(bytes);
        String kind = string(o, "kind");
        return build(() -> switch (kind) {
            case "text" -> new RoomMessage(RoomMessage.Kind.TEXT, string(o, "nick"), string(o, "text"), number(o, "ts"));
            case "hello" -> new RoomMessage(RoomMessage.Kind.HELLO, string(o, "nick"), "", number(o, "ts"));
            default -> throw new ChatFormatException("unknown kind " + kind);
        });
    }

    public static Direct decodeDirect(byte[] bytes) throws ChatFormatException {
        JsonObject o = parse(bytes);
        return build(() -> new Direct(string(o, "id"), string(o, "nick"), string(o, "text"), number(o, "ts")));
    }

    public static String decodeAck(byte[] bytes) throws ChatFormatException {
        return string(parse(bytes), "ack");
    }

    private interface Builder<T> {
        T build() throws ChatFormatException;
    }

    private static <T> T build(Builder<T> b) throws ChatFormatException {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ChatFormatException(e.getMessage());
        }
    }

    private static JsonObject parse(byte[] bytes) throws ChatFormatException {
        if (bytes.length > MAX_BYTES) {
            throw new ChatFormatException("a message of " + bytes.length + " bytes, over " + MAX_BYTES);
        }
        try {
            JsonElement e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new ChatFormatException("not a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException | StackOverflowError e) {
            throw new ChatFormatException("not JSON: " + e.getMessage());
        }
    }

    private static String string(JsonObject o, String name) throws ChatFormatException {
        return optionalString(o, name).orElseThrow(() -> new ChatFormatException("no string \"" + name + "\""));
    }

    private static Optional<String> optionalString(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e instanceof JsonPrimitive p && p.isString() ? Optional.of(p.getAsString()) : Optional.empty();
    }

    private static long number(JsonObject o, String name) throws ChatFormatException {
        JsonElement e = o.get(name);
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            try {
                return p.getAsBigDecimal().longValueExact();
            } catch (ArithmeticException | NumberFormatException ex) {
                throw new ChatFormatException("\"" + name + "\" is not a whole number");
            }
        }
        throw new ChatFormatException("no number \"" + name + "\"");
    }
}
