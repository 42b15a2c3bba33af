package org.jlibp2p.testkit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Which nodes of a {@link TestNetwork} connect to which: a list of edges, each dialled once, by its first node.
 */
@FunctionalInterface
public interface Topology {
    /** One connection to make: {@code from} dials {@code to}. */
    record Edge(int from, int to) {
        public Edge {
            if (from == to || from < 0 || to < 0) {
                throw new IllegalArgumentException("bad edge " + from + " -> " + to);
            }
        }
    }

    /** The edges among {@code n} nodes; {@code random} is the network's seeded generator. */
    List<Edge> edges(int n, RandomGenerator random);

    /** Node 0 dials node 1 (the others stay unconnected). */
    static Topology pair() {
        return (n, r) -> n < 2 ? List.of() : List.of(new Edge(0, 1));
    }

    /** 0 - 1 - 2 - ... - (n-1). */
    static Topology line() {
        return (n, r) -> {
            List<Edge> out = new ArrayList<>();
            for (int i = 0; i + 1 < n; i++) {
                out.add(new Edge(i, i + 1));
            }
            return out;
        };
    }

    /** A line closed into a circle. */
    static Topology ring() {
        return (n, r) -> {
            List<Edge> out = new ArrayList<>(line().edges(n, r));
            if (n > 2) {
                out.add(new Edge(n - 1, 0));
            }
            return out;
        };
    }

    /** Every pair of nodes. */
    static Topology fullMesh() {
        return (n, r) -> {
            List<Edge> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    out.add(new Edge(i, j));
                }
            }
            return out;
        };
    }

    /**
     * Each node dials {@code degree} others chosen at random (a pair is connected at most once), on a ring so that
     * the graph is connected: node i also dials i+1.
     */
    static Topology random(int degree) {
        if (degree < 1) {
            throw new IllegalArgumentException("degree must be positive");
        }
        return (n, r) -> {
            Set<Edge> edges = new LinkedHashSet<>();
            Set<Long> pairs = new java.util.HashSet<>();
            for (Edge e : ring().edges(n, r)) {
                if (pairs.add(key(e.from(), e.to(), n))) {
                    edges.add(e);
                }
            }
            for (int i = 0; i < n; i++) {
                for (int k = 1; k < degree && n > 2; k++) {
                    int j = r.nextInt(n);
                    if (j != i && pairs.add(key(i, j, n))) {
                        edges.add(new Edge(i, j));
                    }
                }
            }
            return List.copyOf(edges);
        };
    }

    private static long key(int a, int b, int n) {
        return (long) Math.min(a, b) * n + Math.max(a, b);
    }
}
