package org.jlibp2p.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The connection-stack benchmark ({@code bin/bench}): prints one JSON object per line on standard output, progress
 * on standard error.
 *
 * <pre>
 * --cases java-java,raw-tcp,js-js,setup,idle-memory   which cases to run (default: these, in this order; the
 *                       throughput cases among them are warmed up, then run in interleaved rounds); also
 *                       java-java-tls, java-java over TLS 1.3 instead of Noise, not run by default
 * --runs N              runs of each throughput case, and of the setup case; the median counts (default 5)
 * --warmup-rounds N     uncounted interleaved rounds of the throughput cases before the counted ones (default 2),
 *                       after each case's first uncounted exchange of the full size each way
 * --size BYTES          bytes each way per throughput run, with k/m/g suffixes (default 1g)
 * --setup-connections N connections of each timed run of the setup case (default 1000; --runs of them)
 * --setup-warmup S      seconds of uncounted dialling before the setup case's runs (default 15)
 * --concurrency N       connections under way at once in the setup and idle-memory cases (default 8)
 * --idle-connections N  connections of the idle-memory case (default 5000)
 * --js-dir DIR          the folder of perf.mjs and its node_modules (default: interop/js above the working dir)
 * --pubsub-peers N      subscribers of the pubsub case's hub (default 50)
 * --pubsub-router R     gossipsub or floodsub, the pubsub case's router (default gossipsub)
 * --pubsub-signing S,.. strict and/or anonymous: the pubsub case's signing policies, each measured (default both)
 * --pubsub-runs N       runs of each pubsub measurement; the median counts (default 3)
 * --pubsub-messages A,B messages per run of 1 KiB and of 64 KiB (default 1024,128)
 * --ipfs-size BYTES     the file of the ipfs case, with k/m/g suffixes (default 64m)
 * --ipfs-runs N         counted runs of each ipfs measurement, after --warmup-rounds uncounted interleaved rounds;
 *                       the median counts (default 5)
 * </pre>
 *
 * <p>The pubsub case (see {@link PubsubBench}) is not among the defaults' ratios: it has nothing beside it to compare
 * with yet. The ipfs case (see {@link IpfsBench}; {@code --cases ipfs}, not run by default) fetches one file by its
 * CID with Bitswap from one and from three providers, our nodes beside helia's, and prints the ratios.
 */
public final class Bench {
    private static final Set<String> THROUGHPUT_CASES = Set.of("java-java", "java-java-tls", "raw-tcp", "js-js");

    private Bench() {}

    static void progress(String message) {
        System.err.println("bench: " + message);
    }

    static void emit(Json line) {
        System.out.println(line);
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        Set<String> cases = new LinkedHashSet<>(List.of("java-java", "raw-tcp", "js-js", "setup", "idle-memory",
                "pubsub"));
        int runs = 5;
        int warmupRounds = 2;
        long size = 1L << 30;
        int setupConnections = 1000;
        int setupWarmup = 15;
        int idleConnections = 5000;
        int concurrency = 8;
        Path jsDir = null;
        int pubsubPeers = 50;
        String pubsubRouter = "gossipsub";
        List<String> pubsubSigning = List.of("strict", "anonymous");
        int pubsubRuns = 3;
        int[] pubsubMessages = {1024, 128};
        long ipfsSize = 64L << 20;
        int ipfsRuns = 5;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--cases" -> cases = new LinkedHashSet<>(List.of(value.split(",")));
                case "--runs" -> runs = Integer.parseInt(value);
                case "--warmup-rounds" -> warmupRounds = Integer.parseInt(value);
                case "--size" -> size = parseSize(value);
                case "--setup-connections" -> setupConnections = Integer.parseInt(value);
                case "--setup-warmup" -> setupWarmup = Integer.parseInt(value);
                case "--idle-connections" -> idleConnections = Integer.parseInt(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--js-dir" -> jsDir = Path.of(value);
                case "--pubsub-peers" -> pubsubPeers = Integer.parseInt(value);
                case "--pubsub-router" -> pubsubRouter = value;
                case "--pubsub-signing" -> pubsubSigning = List.of(value.split(","));
                case "--pubsub-runs" -> pubsubRuns = Integer.parseInt(value);
                case "--pubsub-messages" -> pubsubMessages = Arrays.stream(value.split(","))
                        .mapToInt(Integer::parseInt).toArray();
                case "--ipfs-size" -> ipfsSize = parseSize(value);
                case "--ipfs-runs" -> ipfsRuns = Integer.parseInt(value);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
            i++;
        }
        Throughput.Result javaJava = null;
        Throughput.Result javaJavaTls = null;
        Throughput.Result raw = null;
        Throughput.Result js = null;
        List<String> throughputCases = cases.stream().filter(THROUGHPUT_CASES::contains).toList();
        for (String c : cases) {
            if (THROUGHPUT_CASES.contains(c)) {
                if (!c.equals(throughputCases.getFirst())) {
                    continue; // measured together with the first, their runs interleaved
                }
                progress("running " + String.join(", ", throughputCases) + ", their runs interleaved");
                List<Throughput.Case> set = new ArrayList<>();
                try {
                    for (String t : throughputCases) {
                        set.add(switch (t) {
                            case "java-java" -> new Throughput.JavaJava(size);
                            case "java-java-tls" -> new Throughput.JavaJava(size, true);
                            case "raw-tcp" -> new Throughput.RawTcp(size);
                            default -> new Throughput.JsJs(size, jsDir != null ? jsDir : findJsDir(),
                                    warmupRounds + runs);
                        });
                    }
                } catch (Exception e) {
                    for (Throughput.Case made : set) {
                        made.close();
                    }
                    throw e;
                }
                for (Throughput.Result r : Throughput.measure(set, warmupRounds, runs, size)) {
                    emit(r.json());
                    switch (r.name()) {
                        case "java-java" -> javaJava = r;
                        case "java-java-tls" -> javaJavaTls = r;
                        case "raw-tcp" -> raw = r;
                        default -> js = r;
                    }
                }
                continue;
            }
            progress("running " + c);
            switch (c) {
                case "setup" -> emit(SetupRate.run(setupConnections, concurrency, runs, setupWarmup));
                case "idle-memory" -> emit(IdleMemory.run(idleConnections, Math.max(concurrency, 16)));
                case "pubsub" -> {
                    for (String signing : pubsubSigning) {
                        PubsubBench.run(pubsubRouter, signing, pubsubPeers, pubsubRuns,
                                List.of(new PubsubBench.Size(1 << 10, pubsubMessages[0]),
                                        new PubsubBench.Size(64 << 10, pubsubMessages[1]))).forEach(Bench::emit);
                    }
                }
                case "ipfs" -> IpfsBench.run(ipfsSize, warmupRounds, ipfsRuns, jsDir != null ? jsDir : findJsDir())
                        .forEach(Bench::emit);
                default -> throw new IllegalArgumentException("unknown case " + c);
            }
        }
        if (javaJava != null && js != null) {
            emit(ratio("java-java/js-js", javaJava, js));
        }
        if (javaJavaTls != null && javaJava != null) {
            emit(ratio("java-java-tls/java-java", javaJavaTls, javaJava));
        }
        if (javaJava != null && raw != null) {
            emit(ratio("java-java/raw-tcp", javaJava, raw));
        }
        System.exit(0); // the swarms' daemon timers and any straggling virtual threads do not hold the JVM
    }

    private static Json ratio(String name, Throughput.Result a, Throughput.Result b) {
        return new Json().put("case", "ratio").put("of", name)
                .put("upload", a.uploadBytesPerSecond() / b.uploadBytesPerSecond())
                .put("download", a.downloadBytesPerSecond() / b.downloadBytesPerSecond());
    }

    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = switch (t.charAt(t.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }

    private static Path findJsDir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("interop/js"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("interop/js not found; pass --js-dir");
        }
        return p.resolve("interop/js");
    }
}
