package org.jlibp2p.node;

import java.util.List;

/**
 * The little JSON p2pctl prints: objects, arrays and strings (RFC 8259). Every character outside printable ASCII
 * is escaped, so the output is the same whatever encoding standard output has.
 */
final class Json {
    private Json() {}

    /** {@code s} as a JSON string. */
    static String string(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        sb.append(String.format("\\u%04x", (int) c));   // UTF-16 units: surrogate pairs as two
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** An array of the strings of {@code values} ({@link Object#toString()}). */
    static String strings(List<?> values) {
        return array(values.stream().map(v -> string(v.toString())).toList());
    }

    /** An array of JSON values. */
    static String array(List<String> json) {
        return "[" + String.join(",", json) + "]";
    }

    /** An object of members given as name, JSON value, name, JSON value, ... in that order. */
    static String object(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("a name without a value");
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(string(namesAndValues[i])).append(':').append(namesAndValues[i + 1]);
        }
        return sb.append('}').toString();
    }
}
