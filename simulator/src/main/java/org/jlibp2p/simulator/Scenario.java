package org.jlibp2p.simulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A scenario: a flat JSON object of settings ({@code "kind": "dht"} or {@code "gossip"}, {@code "nodes"},
 * {@code "seed"}, ...), every one optional with the default its simulation documents. Command-line flags
 * ({@code --churn 0.25}) set the same keys ({@code "churn"}; dashes become underscores).
 */
final class Scenario {
    private final JsonObject json;

    Scenario(JsonObject json) {
        this.json = json;
    }

    static Scenario read(Path file) throws IOException {
        JsonElement e = JsonParser.parseString(Files.readString(file));
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(file + ": a scenario is a JSON object");
        }
        return new Scenario(e.getAsJsonObject());
    }

    static Scenario of(String kind) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", kind);
        return new Scenario(o);
    }

    /** Sets {@code key} from a command-line value: a number if it reads as one, true/false, else text. */
    void set(String key, String value) {
        if (value.equals("true") || value.equals("false")) {
            json.addProperty(key, Boolean.parseBoolean(value));
            return;
        }
        try {
            json.addProperty(key, Double.parseDouble(value));
        } catch (NumberFormatException e) {
            json.addProperty(key, value);
        }
    }

    String kind() {
        return str("kind", "");
    }

    String name() {
        return str("name", kind());
    }

    long seed() {
        return (long) num("seed", 1);
    }

    int nodes() {
        return integer("nodes", 500);
    }

    double num(String key, double def) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? def : e.getAsDouble();
    }

    int integer(String key, int def) {
        return (int) Math.round(num(key, def));
    }

    boolean bool(String key, boolean def) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? def : e.getAsBoolean();
    }

    String str(String key, String def) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? def : e.getAsString();
    }

    /** The regions: {@code "latency_ms": x} for one region with every link x ms, else the eight-region world. */
    Regions regions() {
        return json.has("latency_ms") ? Regions.uniform(num("latency_ms", 0)) : Regions.eight();
    }

    /**
     * The bandwidth classes, {@code "bandwidth": [{"share": 0.5, "up_mbps": 50, "down_mbps": 100}, ...]}; by default
     * one class of 100 Mbit/s both ways.
     */
    List<Network.BandwidthClass> bandwidth() {
        List<Network.BandwidthClass> out = new ArrayList<>();
        if (json.has("bandwidth") && json.get("bandwidth").isJsonArray()) {
            JsonArray a = json.getAsJsonArray("bandwidth");
            for (JsonElement e : a) {
                JsonObject c = e.getAsJsonObject();
                out.add(new Network.BandwidthClass(c.has("share") ? c.get("share").getAsDouble() : 1,
                        c.get("up_mbps").getAsDouble(), c.get("down_mbps").getAsDouble()));
            }
        }
        if (out.isEmpty()) {
            out.add(new Network.BandwidthClass(1, 100, 100));
        }
        return out;
    }

    JsonObject json() {
        return json.deepCopy();
    }
}
