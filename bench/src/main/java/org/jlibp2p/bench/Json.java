package org.jlibp2p.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** One flat JSON object, fields in insertion order, printed on one line. */
final class Json {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Json put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            switch (v) {
                case String s -> sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                case Double d -> sb.append(d >= 100 ? String.valueOf(Math.round(d)) : String.format("%.3f", d));
                case Float f -> sb.append(String.format("%.3f", f));
                default -> sb.append(v);
            }
        }
        return sb.append('}').toString();
    }
}
