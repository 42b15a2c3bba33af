package org.jlibp2p.simulator;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run found: figures in insertion order (printed as one JSON object), and the samples the plots draw.
 * Everything but {@code wall_seconds} and the {@code machine} object depends on the scenario and the seed only.
 */
final class Result {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping()
            .create();

    final String kind;
    final String name;
    final Map<String, Object> fields = new LinkedHashMap<>();
    final Map<String, double[]> series = new LinkedHashMap<>();
    /** DHT under churn: time (s), share of nodes online, lookup success in the window before. */
    List<double[]> timeline = new ArrayList<>();

    Result(Scenario sc, String kind) {
        this.kind = kind;
        this.name = sc.name();
        fields.put("scenario", name);
        fields.put("kind", kind);
    }

    void put(String key, Object value) {
        fields.put(key, value);
    }

    void series(String key, double[] sorted) {
        series.put(key, sorted);
    }

    Object get(String key) {
        return fields.get(key);
    }

    double number(String key) {
        return ((Number) fields.get(key)).doubleValue();
    }

    /** Adds the simulated and wall time, and what the machine did: speed and heap per node (after a GC). */
    void finish(double simulatedSeconds, double wallSeconds, int nodes) {
        fields.put("simulated_seconds", Stats.round(simulatedSeconds));
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("simulated_seconds_per_wall_second", Stats.round(simulatedSeconds / Math.max(1e-9, wallSeconds)));
        machine.put("heap_used_mb", used >> 20);
        machine.put("heap_bytes_per_node", used / Math.max(1, nodes));
        machine.put("cpus", rt.availableProcessors());
        fields.put("machine", machine);
        fields.put("wall_seconds", Stats.round(wallSeconds));
    }

    String json() {
        return GSON.toJson(fields);
    }
}
