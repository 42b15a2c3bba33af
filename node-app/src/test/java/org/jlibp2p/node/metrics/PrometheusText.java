package org.jlibp2p.node.metrics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: the Prometheus Java client writes the
 * format but ships no parser. Any line that is not a well-formed comment or sample, a sample before its family's
 * TYPE, a family typed twice, a series given twice, or a sample name that is not its family's, fails.
 */
public final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final List<String> SUFFIXES = List.of("", "_total", "_created", "_sum", "_count", "_bucket");

    /** The samples: series (name and sorted labels) to value; and each family's type. */
    public record Parsed(Map<Series, Double> samples, Map<String, String> types) {
        /** The value of the series, if present. */
        public Optional<Double> value(String name, String... labels) {
            return Optional.ofNullable(samples.get(Series.of(name, labels)));
        }

        public double get(String name, String... labels) {
            return value(name, labels).orElseThrow(() -> new AssertionError("no sample " + Series.of(name, labels)
                    + " among " + samples.keySet()));
        }
    }

    /** A metric name and its labels, sorted. */
    public record Series(String name, Map<String, String> labels) {
        public static Series of(String name, String... labels) {
            Map<String, String> m = new TreeMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                m.put(labels[i], labels[i + 1]);
            }
            return new Series(name, m);
        }
    }

    private PrometheusText() {}

    public static Parsed parse(String text) {
        Map<Series, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new HashMap<>();
        Map<String, Boolean> helped = new HashMap<>();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition does not end with a newline");
        }
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + lineNo + ": " + line;
            if (line.startsWith("#")) {
                String[] p = line.split(" ", 4);
                if (p.length >= 3 && p[0].equals("#") && p[1].equals("TYPE")) {
                    require(p.length == 4 && NAME.matcher(p[2]).matches() && TYPES.contains(p[3]), where);
                    require(types.put(p[2], p[3]) == null, "second TYPE, " + where);
                } else if (p.length >= 3 && p[0].equals("#") && p[1].equals("HELP")) {
                    require(NAME.matcher(p[2]).matches(), where);
                    require(helped.put(p[2], true) == null, "second HELP, " + where);
                }
                continue; // other comments are allowed
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
                i++;
            }
            String name = line.substring(0, i);
            require(NAME.matcher(name).matches(), "bad metric name, " + where);
            Map<String, String> labels = new TreeMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    require(eq > i, where);
                    String label = line.substring(i, eq);
                    require(LABEL.matcher(label).matches(), "bad label name, " + where);
                    require(line.charAt(eq + 1) == '"', where);
                    StringBuilder v = new StringBuilder();
                    int j = eq + 2;
                    while (true) {
                        require(j < line.length(), "unterminated label value, " + where);
                        char c = line.charAt(j);
                        if (c == '"') {
                            break;
                        }
                        if (c == '\\') {
                            char e = line.charAt(j + 1);
                            require(e == '\\' || e == '"' || e == 'n', "bad escape, " + where);
                            v.append(e == 'n' ? '\n' : e);
                            j += 2;
                        } else {
                            v.append(c);
                            j++;
                        }
                    }
                    require(labels.put(label, v.toString()) == null, "label twice, " + where);
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    } else {
                        require(line.charAt(i) == '}', where);
                    }
                }
                i++;
            }
            require(i < line.length() && line.charAt(i) == ' ', where);
            String[] rest = line.substring(i + 1).split(" ");
            require(rest.length == 1 || rest.length == 2, where);
            double value = switch (rest[0]) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> {
                    try {
                        yield Double.parseDouble(rest[0]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad value, " + where);
                    }
                }
            };
            if (rest.length == 2) {
                require(rest[1].matches("-?\\d+"), "bad timestamp, " + where);
            }
            String family = null;
            for (String suffix : SUFFIXES) {
                if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                    family = name.substring(0, name.length() - suffix.length());
                    break;
                }
            }
            require(family != null, "a sample before its family's TYPE, " + where);
            require(samples.put(new Series(name, labels), value) == null, "series twice, " + where);
        }
        return new Parsed(samples, types);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("not Prometheus text format: " + what);
        }
    }
}
