package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoFlagsTest {
    private static GoFlags flags() {
        return new GoFlags()
                .string("listen", "/unix/tmp/p2pd.sock", "control address")
                .bool("q", false, "quiet")
                .bool("relay", true, "relay")
                .integer("connLo", 256, "low water")
                .duration("connGrace", Duration.ofSeconds(120), "grace")
                .string("muxer", "yamux", "muxer");
    }

    @Test
    void acceptsEveryGoSyntax() throws Exception {
        GoFlags f = flags().parse("-listen=/ip4/127.0.0.1/tcp/9999", "--q", "-connLo", "10", "-relay=false",
                "-connGrace", "1m30s", "--muxer", "mplex");
        assertEquals("/ip4/127.0.0.1/tcp/9999", f.getString("listen"));
        assertTrue(f.getBool("q"));
        assertFalse(f.getBool("relay"));
        assertEquals(10, f.getInt("connLo"));
        assertEquals(Duration.ofSeconds(90), f.getDuration("connGrace"));
        assertEquals("mplex", f.getString("muxer"));
        assertTrue(f.isSet("q"));
    }

    @Test
    void defaultsApplyWhenAbsent() throws Exception {
        GoFlags f = flags().parse();
        assertEquals("/unix/tmp/p2pd.sock", f.getString("listen"));
        assertFalse(f.getBool("q"));
        assertTrue(f.getBool("relay"));
        assertEquals(Duration.ofSeconds(120), f.getDuration("connGrace"));
        assertFalse(f.isSet("relay"));
    }

    @Test
    void boolDoesNotTakeTheNextArgumentAndParsingStopsAtPositionals() throws Exception {
        GoFlags f = flags().parse("-q", "true", "-connLo", "3");
        assertTrue(f.getBool("q"));
        assertEquals(256, f.getInt("connLo"));
        assertEquals(List.of("true", "-connLo", "3"), f.rest());
        assertEquals(List.of("-q"), flags().parse("--", "-q").rest());
    }

    @Test
    void errorsSayWhatWasWrong() {
        assertEquals("flag provided but not defined: -nope",
                assertThrows(GoFlags.FlagException.class, () -> flags().parse("-nope")).getMessage());
        assertEquals("flag needs an argument: -listen",
                assertThrows(GoFlags.FlagException.class, () -> flags().parse("-listen")).getMessage());
        assertThrows(GoFlags.FlagException.class, () -> flags().parse("-connLo=abc"));
        assertThrows(GoFlags.FlagException.class, () -> flags().parse("-q=maybe"));
        assertThrows(GoFlags.FlagException.class, () -> flags().parse("-connGrace=10parsecs"));
        assertThrows(GoFlags.FlagException.class, () -> flags().parse("---q"));
    }

    @Test
    void helpIsItsOwnOutcome() {
        assertThrows(GoFlags.HelpRequested.class, () -> flags().parse("-h"));
        assertThrows(GoFlags.HelpRequested.class, () -> flags().parse("--help"));
        GoFlags withH = new GoFlags().bool("h", false, "a flag that happens to be called h");
        assertDoesNotThrow(() -> withH.parse("-h"));
    }

    @Test
    void goDurations() throws Exception {
        assertEquals(Duration.ofMillis(300), GoFlags.parseDuration("300ms", ""));
        assertEquals(Duration.ofMinutes(165), GoFlags.parseDuration("2h45m", ""));
        assertEquals(Duration.ofMinutes(90), GoFlags.parseDuration("1.5h", ""));
        assertEquals(Duration.ZERO, GoFlags.parseDuration("0", ""));
    }
}
