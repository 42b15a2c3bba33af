package org.jlibp2p.node.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.swarm.Stream;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.core.transport.MemoryTransport;
import org.jlibp2p.testkit.TestNodes;
import org.jlibp2p.testkit.TestStack;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many streams of one connection receiving at once while some of them are closed half-way: the buffers that carried
 * the closed streams' unread data go back to their pools and are reused for the others' frames, which must arrive
 * intact.
 */
@Timeout(60)
class ConcurrentStreamsTest {
    private static final String PROTOCOL = "/test/numbered-bytes/1.0.0";
    private static final int STREAMS = 16;
    private static final int SIZE = 2 * 1024 * 1024;

    /** The bytes the server sends on stream {@code n}. */
    private static byte[] bytesOf(int n) {
        byte[] b = new byte[SIZE];
        new Random(n).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @EnumSource(TestStack.class)
    void streamsClosedHalfWayLeaveTheOthersIntact(TestStack stack) throws Exception {
        MemoryTransport.Network net = new MemoryTransport.Network();
        try (Swarm client = TestNodes.memory(net, stack); Swarm server = TestNodes.memory(net, stack);
                ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            server.setStreamHandler(PROTOCOL, s -> {
                int n = new DataInputStream(s.input()).readInt();
                OutputStream out = s.output();
                byte[] b = bytesOf(n);
                Random sizes = new Random(n);
                try {
                    // Writes of many sizes: frames that fill a Noise message or half of one (their buffers are lent
                    // to the stream) and smaller ones (copied).
                    for (int off = 0; off < SIZE; ) {
                        int len = Math.min(SIZE - off, 1 + sizes.nextInt(100_000));
                        out.write(b, off, len);
                        off += len;
                    }
                    s.closeOutput();
                } catch (IOException e) {
                    // the client closed this stream half-way
                }
            });
            client.dial(org.jlibp2p.testkit.TestNodes.withPeer(org.jlibp2p.testkit.TestNodes.listenMemory(server), server.localPeer()));
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                int n = i;
                results.add(readers.submit(() -> {
                    try (Stream s = client.newStream(server.localPeer(), List.of(PROTOCOL))) {
                        new DataOutputStream(s.output()).writeInt(n);
                        s.output().flush();
                        InputStream in = s.input();
                        if (n % 4 == 0) {
                            in.readNBytes(300_000);
                            Thread.sleep(20); // let more arrive unread, then drop it with the stream
                            return null;
                        }
                        byte[] got = new byte[SIZE];
                        int off = 0;
                        Random sizes = new Random(-n);
                        while (off < SIZE) {
                            int r = in.read(got, off, Math.min(SIZE - off, 1 + sizes.nextInt(100_000)));
                            if (r < 0) {
                                break;
                            }
                            off += r;
                        }
                        assertEquals(SIZE, off, "stream " + n + " ended early");
                        assertEquals(-1, in.read());
                        return MessageDigest.getInstance("SHA-256").digest(got);
                    }
                }));
            }
            for (int i = 0; i < STREAMS; i++) {
                byte[] digest = results.get(i).get(45, TimeUnit.SECONDS);
                if (i % 4 != 0) {
                    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(bytesOf(i)), digest,
                            "stream " + i + " arrived altered");
                }
            }
            assertEquals(1, client.connections().size(), "all streams on one connection");
            assertTrue(client.connections().getFirst().isOpen());
        }
    }
}
