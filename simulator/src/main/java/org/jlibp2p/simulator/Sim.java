package org.jlibp2p.simulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/sim}: runs one scenario and prints its result as one JSON object on the last line of standard output;
 * the JSON and the plots are also written to {@code --out DIR} (default {@code sim-results/<scenario>-<seed>/}).
 *
 * <pre>
 *   bin/sim dht --nodes N [--seed S] [--churn FRACTION] [--lookups M] [--any-setting VALUE ...]
 *   bin/sim gossip --nodes N [--seed S] [--messages M] [--any-setting VALUE ...]
 *   bin/sim run SCENARIO-FILE [--any-setting VALUE ...]
 * </pre>
 */
public final class Sim {
    private Sim() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage();
            System.exit(args.length == 0 ? 2 : 0);
        }
        Scenario sc;
        int from;
        switch (args[0]) {
            case "dht", "gossip" -> {
                sc = Scenario.of(args[0]);
                from = 1;
            }
            case "run" -> {
                if (args.length < 2) {
                    usage();
                    System.exit(2);
                    return;
                }
                sc = Scenario.read(Path.of(args[1]));
                from = 2;
            }
            default -> {
                System.err.println("sim: unknown command " + args[0]);
                usage();
                System.exit(2);
                return;
            }
        }
        Path out = null;
        boolean plots = true;
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-plots")) {
                plots = false;
            } else if (a.startsWith("--") && i + 1 < args.length) {
                String key = a.substring(2).replace('-', '_');
                if (key.equals("out")) {
                    out = Path.of(args[++i]);
                } else {
                    sc.set(key, args[++i]);
                }
            } else {
                System.err.println("sim: unexpected argument " + a);
                usage();
                System.exit(2);
            }
        }
        if (out == null) {
            out = Path.of("sim-results", sc.name() + "-" + sc.seed());
        }
        System.err.printf("sim: %s scenario '%s', %d nodes, seed %d%n", sc.kind(), sc.name(), sc.nodes(), sc.seed());
        Result r = run(sc);
        Files.createDirectories(out);
        Files.writeString(out.resolve("result.json"), r.json() + "\n");
        if (plots) {
            List<Path> files = Plots.write(r, out);
            System.err.println("sim: wrote " + out.resolve("result.json") + " and " + files.size() + " plots");
        }
        System.out.println(r.json());
    }

    static Result run(Scenario sc) {
        return switch (sc.kind()) {
            case "dht" -> new DhtSimulation(sc).run();
            case "gossip" -> new GossipSimulation(sc).run();
            default -> throw new IllegalArgumentException("unknown scenario kind '" + sc.kind()
                    + "' (dht or gossip)");
        };
    }

    private static void usage() {
        System.err.println("""
                usage: bin/sim dht --nodes N [--seed S] [--churn FRACTION] [--lookups M] [--SETTING VALUE ...]
                       bin/sim gossip --nodes N [--seed S] [--messages M] [--SETTING VALUE ...]
                       bin/sim run SCENARIO-FILE [--SETTING VALUE ...]
                options: --out DIR (default sim-results/<scenario>-<seed>), --no-plots
                settings: see docs/simulator.md""");
    }
}
