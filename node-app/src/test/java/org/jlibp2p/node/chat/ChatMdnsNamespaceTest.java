package org.jlibp2p.node.chat;

import static org.jlibp2p.node.chat.ChatProcess.cmd;
import static org.jlibp2p.node.chat.ChatProcess.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.testkit.NetNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two chats on one LAN segment (two network namespaces joined by a veth pair, made and removed here), started with
 * {@code --mdns} and no {@code --bootstrap}: they find each other, meet in their room and talk. Needs root and
 * iproute2; skipped otherwise.
 */
@Timeout(120)
class ChatMdnsNamespaceTest {
    @TempDir
    Path dir;

    @Test
    void twoChatsOnOneLanMeetInTheirRoomWithoutAnyAddressGiven() throws Exception {
        assumeTrue(NetNamespaces.usable(), "needs root and iproute2 for network namespaces");
        String sfx = NetNamespaces.suffix();
        String nsA = "jl-chat-a-" + sfx;
        String nsB = "jl-chat-b-" + sfx;
        String vethA = "jca" + sfx;
        String vethB = "jcb" + sfx;
        ChatProcess ann = null;
        ChatProcess bob = null;
        try {
            NetNamespaces.lan(nsA, vethA, "10.215.77.1/24", nsB, vethB, "10.215.77.2/24");
            ann = new ChatProcess(NetNamespaces.exec(nsA), "ann", dir, "--listen", "/ip4/0.0.0.0/tcp/0",
                    "--mdns", "--nick", "ann", "--room", "lan");
            bob = new ChatProcess(NetNamespaces.exec(nsB), "bob", dir, "--listen", "/ip4/0.0.0.0/tcp/0",
                    "--mdns", "--nick", "bob", "--room", "lan");
            ann.await("ready", Duration.ofSeconds(30), e -> is(e, "ready"));
            String bobId = bob.await("ready", Duration.ofSeconds(30), e -> is(e, "ready")).get("peer").getAsString();
            ann.await("bob in the room", Duration.ofSeconds(40), e -> is(e, "peer-joined", "room", "lan", "peer", bobId));
            ann.send(cmd("cmd", "send", "room", "lan", "text", "found you on the LAN"));
            bob.await("ann's message", Duration.ofSeconds(20),
                    e -> is(e, "message", "room", "lan", "nick", "ann", "text", "found you on the LAN"));
        } finally {
            for (ChatProcess c : new ChatProcess[] {ann, bob}) {
                if (c != null) {
                    c.close();
                    c.process.waitFor(5, TimeUnit.SECONDS);
                }
            }
            NetNamespaces.delete(List.of(nsA, nsB));
        }
    }
}
