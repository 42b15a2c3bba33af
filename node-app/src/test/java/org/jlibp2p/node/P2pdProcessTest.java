package org.jlibp2p.node;

import static org.jlibp2p.node.DaemonFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyFiles;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.jlibp2p.proto.p2pd.P2pdProtos.Request;
import org.jlibp2p.proto.p2pd.P2pdProtos.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Four real p2pd processes: ready in time, connected through the control protocol, stopped by SIGTERM. */
class P2pdProcessTest {
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    @TempDir
    Path dir;

    private DaemonProcesses daemons;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        if (daemons != null) {
            daemons.close();
        }
    }

    private Process launch(String name, String... flags) throws IOException {
        if (daemons == null) {
            daemons = new DaemonProcesses(dir);
        }
        return daemons.launch(name, "128m", flags);
    }

    private static DaemonProcesses.Ready awaitReady(Process p) throws IOException {
        return DaemonProcesses.awaitReady(p);
    }

    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void fourDaemonsStartConnectAndStopOnSigterm() throws Exception {
        PrivateKey key = Keys.generateEd25519().privateKey();
        KeyFiles.save(dir.resolve("id.key"), key);
        String host = "/ip4/127.0.0.1/tcp/0";
        long t0 = System.nanoTime();
        List<Process> ps = List.of(
                launch("d0", "-listen", "/unix" + dir.resolve("d0.sock"), "-hostAddrs", host, "-id",
                        dir.resolve("id.key").toString()),
                launch("d1", "-listen", "/unix" + dir.resolve("d1.sock"), "-hostAddrs", host),
                launch("d2", "-listen", "/ip4/127.0.0.1/tcp/0", "-hostAddrs", host),
                launch("d3", "-listen", "/ip4/127.0.0.1/tcp/0", "-hostAddrs", host, "-muxer", "yamux"));
        List<CompletableFuture<DaemonProcesses.Ready>> pending = new ArrayList<>();
        for (Process p : ps) {
            pending.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return awaitReady(p);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, THREADS));
        }
        List<DaemonProcesses.Ready> ready = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            try {
                ready.add(pending.get(i).get(Math.max(1, 20_000 - (System.nanoTime() - t0) / 1_000_000),
                        TimeUnit.MILLISECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("d" + i + " not ready within 20 s; stderr: "
                        + Files.readString(dir.resolve("d" + i + ".err")));
            }
        }
        assertEquals(PeerId.fromPublicKey(key.publicKey()), ready.getFirst().peer(), "-id sets the identity");
        assertEquals("/unix" + dir.resolve("d0.sock"), ready.getFirst().control().toString());

        // d0 connects to the three others through its control socket; each of them sees d0
        for (DaemonProcesses.Ready other : ready.subList(1, 4)) {
            Response r = DaemonFixture.call(ready.getFirst().control(), Request.newBuilder()
                    .setType(Request.Type.CONNECT).setConnect(P2pdProtos.ConnectRequest.newBuilder()
                            .setPeer(bytes(other.peer().bytes())).addAddrs(bytes(other.addrs().getFirst().bytes())))
                    .build());
            assertEquals(Response.Type.OK, r.getType(), r.toString());
        }
        Response peers = DaemonFixture.call(ready.getFirst().control(),
                Request.newBuilder().setType(Request.Type.LIST_PEERS).build());
        assertEquals(3, peers.getPeersCount());
        for (DaemonProcesses.Ready other : ready.subList(1, 4)) {
            assertTrue(DaemonFixture.eventually(java.time.Duration.ofSeconds(5), () -> {
                try {
                    Response r = DaemonFixture.call(other.control(),
                            Request.newBuilder().setType(Request.Type.LIST_PEERS).build());
                    return r.getPeersCount() == 1 && PeerId.fromBytes(r.getPeers(0).getId().toByteArray())
                            .equals(ready.getFirst().peer());
                } catch (IOException e) {
                    return false;
                }
            }));
        }

        // SIGTERM: each exits promptly, as a process ended by SIGTERM (128 + 15), and its socket file is gone
        for (Process p : ps) {
            p.destroy();
        }
        for (int i = 0; i < ps.size(); i++) {
            assertTrue(ps.get(i).waitFor(5, TimeUnit.SECONDS), "d" + i + " still running 5 s after SIGTERM");
            assertEquals(143, ps.get(i).exitValue(), "d" + i + " stderr: " + Files.readString(dir.resolve("d" + i
                    + ".err")));
        }
        assertFalse(Files.exists(dir.resolve("d0.sock")));
        assertFalse(Files.exists(dir.resolve("d1.sock")));
    }
}
