package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What p2pctl's JSON writer produces reads back, through a real JSON parser, as what was written. */
class JsonTest {
    @Test
    void everyCharacterSurvivesAndTheOutputIsAscii() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x250; c++) {
            all.append(c);
        }
        String nasty = all + "\"\\/\u2028\u2029\ud83d\ude00\uffff";
        String json = Json.object("s", Json.string(nasty), "list", Json.strings(List.of("a", "\"b\"", "")));
        assertTrue(json.chars().allMatch(c -> c >= 0x20 && c < 0x7F), json);
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        assertEquals(nasty, o.get("s").getAsString());
        assertEquals(3, o.getAsJsonArray("list").size());
        assertEquals("\"b\"", o.getAsJsonArray("list").get(1).getAsString());
    }

    @Test
    void emptyObjectsAndArrays() {
        assertEquals("{}", Json.object());
        assertEquals("{\"a\":[]}", Json.object("a", Json.array(List.of())));
    }
}
