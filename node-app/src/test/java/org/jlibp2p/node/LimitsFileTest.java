package org.jlibp2p.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.resource.ResourceLimits;
import org.jlibp2p.core.resource.ResourceLimits.PrefixLimit;
import org.jlibp2p.core.resource.ScopeLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitsFileTest {
    private static final ResourceLimits BASE = ResourceLimits.scaled(1L << 30, 4096);

    @TempDir
    Path dir;

    @Test
    void namedValuesReplaceTheDefaultsAndTheRestStays() throws Exception {
        ResourceLimits l = LimitsFile.parse("""
                {
                  "System": {"ConnsInbound": 100, "Memory": 268435456, "FD": "unlimited"},
                  "Transient": {"ConnsInbound": 10},
                  "Peer": {"StreamsInbound": 64},
                  "Conn": {"Streams": 128},
                  "Protocol": {"StreamsOutbound": 7},
                  "Service": {"Memory": 1048576},
                  "IPv4": [{"PrefixLength": 32, "ConnCount": 2}],
                  "IPv6": [],
                  "Allowlist": ["10.0.0.0/8"]
                }""", BASE);
        assertEquals(100, l.system().connectionsInbound());
        assertEquals(256L << 20, l.system().memory());
        assertEquals(ScopeLimit.UNLIMITED, l.system().fileDescriptors());
        assertEquals(BASE.system().connectionsOutbound(), l.system().connectionsOutbound());
        assertEquals(10, l.pending().connectionsInbound());
        assertEquals(64, l.peer().streamsInbound());
        assertEquals(BASE.peer().connections(), l.peer().connections());
        assertEquals(128, l.connection().streams());
        assertEquals(7, l.protocol().streamsOutbound());
        assertEquals(1 << 20, l.service().memory());
        assertEquals(List.of(new PrefixLimit(32, 2)), l.ipv4());
        assertEquals(List.of(), l.ipv6());
        assertEquals(List.of("10.0.0.0/8"), l.allowlist());
        assertEquals(BASE, LimitsFile.parse("{}", BASE));
    }

    @Test
    void mistakesAreNamed() {
        assertMessage("{\"Sytem\": {}}", "Sytem");
        assertMessage("{\"System\": {\"ConnInbound\": 1}}", "System.ConnInbound");
        assertMessage("{\"Peer\": {\"Conns\": -1}}", "negative");
        assertMessage("{\"Peer\": {\"Conns\": 1.5}}", "whole number");
        assertMessage("{\"Peer\": {\"Conns\": \"many\"}}", "number or \"unlimited\"");
        assertMessage("{\"IPv4\": [{\"PrefixLength\": 33, \"ConnCount\": 1}]}", "at most 32");
        assertMessage("{\"Allowlist\": [\"10.0.0.0\"]}", "Allowlist");
        assertMessage("[1, 2]", "JSON object");
        assertMessage("{\"System\": ", "not JSON");
    }

    private static void assertMessage(String json, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> LimitsFile.parse(json, BASE));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theDaemonTakesItsLimitsFromTheFile() throws Exception {
        Path file = dir.resolve("limits.json");
        Files.writeString(file, "{\"Peer\": {\"ConnsInbound\": 3}, \"Allowlist\": []}");
        try (P2pd.Daemon d = DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "d", "-limits", file.toString())) {
            ResourceLimits active = d.swarm().config().limits().resources();
            assertEquals(3, active.peer().connectionsInbound());
            assertEquals(List.of(), active.allowlist());
        }
        Files.writeString(file, "{\"Peer\": {\"ConnsInbound\": \"three\"}}");
        IOException e = assertThrows(IOException.class,
                () -> DaemonFixture.start(DaemonFixture.Control.UNIX, dir, "e", "-limits", file.toString()));
        assertTrue(e.getMessage().startsWith("-limits: "), e.getMessage());
    }
}
