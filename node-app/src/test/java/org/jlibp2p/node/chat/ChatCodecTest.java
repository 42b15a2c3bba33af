package org.jlibp2p.node.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ChatCodecTest {
    @Test
    void messagesSurviveARoundTrip() throws Exception {
        var text = new ChatCodec.RoomMessage(ChatCodec.RoomMessage.Kind.TEXT, "ann", "héllo \"world\"\n", 1733);
        assertEquals(text, ChatCodec.decodeRoomMessage(ChatCodec.encode(text)));
        var hello = new ChatCodec.RoomMessage(ChatCodec.RoomMessage.Kind.HELLO, "ann", "", 1);
        assertEquals(hello, ChatCodec.decodeRoomMessage(ChatCodec.encode(hello)));
        var dm = new ChatCodec.Direct("id-1", "bob", "psst", 42);
        assertEquals(dm, ChatCodec.decodeDirect(ChatCodec.encode(dm)));
        assertEquals("id-1", ChatCodec.decodeAck(ChatCodec.encodeAck("id-1")));
    }

    @Test
    void malformedAndOversizedMessagesAreRefused() {
        for (String bad : new String[] {"", "[]", "\"x\"", "{", "{\"kind\":\"text\"}",
                "{\"kind\":\"shout\",\"nick\":\"a\",\"text\":\"t\",\"ts\":1}",
                "{\"kind\":\"text\",\"nick\":\"\",\"text\":\"t\",\"ts\":1}",
                "{\"kind\":\"text\",\"nick\":\"has space\",\"text\":\"t\",\"ts\":1}",
                "{\"kind\":\"text\",\"nick\":\"a\",\"text\":\"t\",\"ts\":1.5}",
                "{\"kind\":\"text\",\"nick\":\"a\",\"text\":\"t\",\"ts\":\"1\"}",
                "{\"kind\":\"text\",\"nick\":\"" + "n".repeat(ChatCodec.MAX_NICK + 1) + "\",\"text\":\"t\",\"ts\":1}",
                "{\"kind\":\"text\",\"nick\":\"a\",\"text\":\"" + "t".repeat(ChatCodec.MAX_TEXT + 1) + "\",\"ts\":1}",
                "[".repeat(3000)}) {
            assertThrows(ChatFormatException.class,
                    () -> ChatCodec.decodeRoomMessage(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
        assertThrows(ChatFormatException.class, () -> ChatCodec.decodeDirect(new byte[ChatCodec.MAX_BYTES + 1]));
        assertThrows(ChatFormatException.class, () -> ChatCodec.decodeDirect(
                "{\"id\":\"\",\"nick\":\"a\",\"text\":\"t\",\"ts\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(ChatFormatException.class, () -> ChatCodec.decodeAck("{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Property(tries = 500)
    void randomBytesDecodeOrFailWithAFormatExceptionOnly(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            ChatCodec.decodeRoomMessage(bytes);
        } catch (ChatFormatException expected) {
            // the only way a peer's bytes may fail
        }
        try {
            ChatCodec.decodeDirect(bytes);
        } catch (ChatFormatException expected) {
            // the same
        }
    }
}
