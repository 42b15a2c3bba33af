package org.jlibp2p.node;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.resource.ResourceLimits;
import org.jlibp2p.core.resource.ResourceLimits.Kind;
import org.jlibp2p.core.resource.ResourceLimits.PrefixLimit;
import org.jlibp2p.core.resource.ScopeLimit;

/**
 * Resource limits from a JSON file ({@code p2pd -limits FILE}), in go-libp2p's names: scopes {@code System},
 * {@code Transient}, {@code Peer}, {@code Conn}, {@code Protocol} and {@code Service}, each with any of
 * {@code ConnsInbound}, {@code ConnsOutbound}, {@code Conns}, {@code StreamsInbound}, {@code StreamsOutbound},
 * {@code Streams}, {@code Memory} and {@code FD} (a number, or {@code "unlimited"}); {@code IPv4} and {@code IPv6}
 * lists of {@code {"PrefixLength": 32, "ConnCount": 8}}; and an {@code Allowlist} of subnets. What the file does not
 * name keeps its default. An unknown name is an error, so that a typo does not pass silently.
 */
final class LimitsFile {
    private static final Map<String, Kind> SCOPES = Map.of("System", Kind.SYSTEM, "Transient", Kind.PENDING,
            "Peer", Kind.PEER, "Conn", Kind.CONNECTION, "Protocol", Kind.PROTOCOL, "Service", Kind.SERVICE);
    private static final Set<String> FIELDS = Set.of("ConnsInbound", "ConnsOutbound", "Conns", "StreamsInbound",
            "StreamsOutbound", "Streams", "Memory", "FD");
    /** Bigger files are not limits files. */
    private static final long MAX_SIZE = 1 << 20;

    private LimitsFile() {}

    static ResourceLimits read(Path file, ResourceLimits base) throws IOException {
        if (Files.size(file) > MAX_SIZE) {
            throw new FormatException(file + " is larger than " + MAX_SIZE + " bytes");
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), base);
    }

    static ResourceLimits parse(String json, ResourceLimits base) throws FormatException {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new FormatException("not JSON: " + e.getMessage());
        }
        if (!root.isJsonObject()) {
            throw new FormatException("the limits must be a JSON object");
        }
        ResourceLimits out = base;
        List<PrefixLimit> v4 = base.ipv4();
        List<PrefixLimit> v6 = base.ipv6();
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject().entrySet()) {
            String name = e.getKey();
            if (SCOPES.containsKey(name)) {
                JsonObject scope = object(e.getValue(), name);
                ScopeLimit l = scopeLimit(scope, out.limit(SCOPES.get(name)), name);
                out = out.with(SCOPES.get(name), old -> l);
            } else if (name.equals("IPv4") || name.equals("IPv6")) {
                List<PrefixLimit> list = prefixes(e.getValue(), name);
                if (name.equals("IPv4")) {
                    v4 = list;
                } else {
                    v6 = list;
                }
            } else if (name.equals("Allowlist")) {
                try {
                    out = out.withAllowlist(strings(e.getValue(), name));
                } catch (IllegalArgumentException ex) {
                    throw new FormatException(name + ": " + ex.getMessage());
                }
            } else {
                throw new FormatException("unknown limits entry \"" + name + "\" (known: " + SCOPES.keySet()
                        + ", IPv4, IPv6, Allowlist)");
            }
        }
        try {
            return out.withIpLimits(v4, v6);
        } catch (IllegalArgumentException ex) {
            throw new FormatException(ex.getMessage());
        }
    }

    private static ScopeLimit scopeLimit(JsonObject o, ScopeLimit l, String scope) throws FormatException {
        for (String f : o.keySet()) {
            if (!FIELDS.contains(f)) {
                throw new FormatException("unknown field " + scope + "." + f + " (known: " + FIELDS + ")");
            }
        }
        return new ScopeLimit(count(o, "ConnsInbound", l.connectionsInbound(), scope),
                count(o, "ConnsOutbound", l.connectionsOutbound(), scope), count(o, "Conns", l.connections(), scope),
                count(o, "StreamsInbound", l.streamsInbound(), scope),
                count(o, "StreamsOutbound", l.streamsOutbound(), scope), count(o, "Streams", l.streams(), scope),
                bytes(o, "Memory", l.memory(), scope), count(o, "FD", l.fileDescriptors(), scope));
    }

    private static int count(JsonObject o, String field, int dflt, String scope) throws FormatException {
        long v = bytes(o, field, dflt == ScopeLimit.UNLIMITED ? Long.MAX_VALUE : dflt, scope);
        return v >= Integer.MAX_VALUE ? ScopeLimit.UNLIMITED : (int) v;
    }

    private static long bytes(JsonObject o, String field, long dflt, String scope) throws FormatException {
        JsonElement v = o.get(field);
        if (v == null) {
            return dflt;
        }
        if (v instanceof JsonPrimitive p && p.isString() && p.getAsString().equals("unlimited")) {
            return Long.MAX_VALUE;
        }
        if (!(v instanceof JsonPrimitive p) || !p.isNumber()) {
            throw new FormatException(scope + "." + field + " must be a number or \"unlimited\"");
        }
        try {
            long n = p.getAsBigDecimal().longValueExact();
            if (n < 0) {
                throw new FormatException(scope + "." + field + " must not be negative");
            }
            return n;
        } catch (ArithmeticException e) {
            throw new FormatException(scope + "." + field + " must be a whole number within 64 bits");
        }
    }

    private static List<PrefixLimit> prefixes(JsonElement e, String name) throws FormatException {
        if (!e.isJsonArray()) {
            throw new FormatException(name + " must be a list of {\"PrefixLength\": N, \"ConnCount\": N}");
        }
        List<PrefixLimit> out = new ArrayList<>();
        for (JsonElement item : e.getAsJsonArray()) {
            JsonObject o = object(item, name + " entry");
            for (String f : o.keySet()) {
                if (!f.equals("PrefixLength") && !f.equals("ConnCount")) {
                    throw new FormatException("unknown field " + name + "." + f);
                }
            }
            long prefix = bytes(o, "PrefixLength", -1, name);
            long conns = bytes(o, "ConnCount", -1, name);
            if (prefix < 0 || conns < 0 || prefix > (name.equals("IPv4") ? 32 : 128)) {
                throw new FormatException(name + " entries need a PrefixLength (at most "
                        + (name.equals("IPv4") ? 32 : 128) + ") and a ConnCount");
            }
            out.add(new PrefixLimit((int) prefix, (int) Math.min(Integer.MAX_VALUE, conns)));
        }
        return out;
    }

    private static List<String> strings(JsonElement e, String name) throws FormatException {
        if (!(e instanceof JsonArray a)) {
            throw new FormatException(name + " must be a list of subnets, e.g. [\"10.0.0.0/8\"]");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement item : a) {
            if (!(item instanceof JsonPrimitive p) || !p.isString()) {
                throw new FormatException(name + " must be a list of strings");
            }
            out.add(p.getAsString());
        }
        return out;
    }

    private static JsonObject object(JsonElement e, String what) throws FormatException {
        if (!e.isJsonObject()) {
            throw new FormatException(what + " must be a JSON object");
        }
        return e.getAsJsonObject();
    }
}
