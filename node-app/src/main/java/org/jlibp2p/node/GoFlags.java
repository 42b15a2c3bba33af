package org.jlibp2p.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command-line flags in the syntax of Go's {@code flag} package, which go-libp2p-daemon uses: {@code -name=value},
 * {@code -name value}, a bare {@code -name} for booleans ({@code -name=false} to turn one off), one or two leading
 * dashes, and parsing stops at {@code --} or the first argument that is not a flag.
 */
public final class GoFlags {
    /** A flag that was not defined, a value that does not parse, or a missing value. */
    public static class FlagException extends Exception {
        public FlagException(String message) {
            super(message);
        }
    }

    /** {@code -h}, {@code -help} or {@code --help} on a command line that defines no such flag: show the usage. */
    public static final class HelpRequested extends FlagException {
        public HelpRequested() {
            super("help requested");
        }
    }

    private enum Kind { BOOL, STRING, INT, UINT, DURATION }

    private record Definition(String name, Kind kind, String defaultValue, String usage) {}

    private final Map<String, Definition> definitions = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> setExplicitly = new ArrayList<>();
    private final List<String> rest = new ArrayList<>();

    public GoFlags bool(String name, boolean defaultValue, String usage) {
        return define(name, Kind.BOOL, Boolean.toString(defaultValue), usage);
    }

    public GoFlags string(String name, String defaultValue, String usage) {
        return define(name, Kind.STRING, defaultValue, usage);
    }

    public GoFlags integer(String name, int defaultValue, String usage) {
        return define(name, Kind.INT, Integer.toString(defaultValue), usage);
    }

    public GoFlags unsigned(String name, int defaultValue, String usage) {
        return define(name, Kind.UINT, Integer.toString(defaultValue), usage);
    }

    public GoFlags duration(String name, Duration defaultValue, String usage) {
        return define(name, Kind.DURATION, formatDuration(defaultValue), usage);
    }

    private GoFlags define(String name, Kind kind, String defaultValue, String usage) {
        if (definitions.putIfAbsent(name, new Definition(name, kind, defaultValue, usage)) != null) {
            throw new IllegalArgumentException("flag defined twice: " + name);
        }
        return this;
    }

    /** Parses {@code args}; may be called once. */
    public GoFlags parse(String... args) throws FlagException {
        int i = 0;
        while (i < args.length) {
            String arg = args[i];
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (arg.length() < 2 || arg.charAt(0) != '-' || arg.equals("-")) {
                break;
            }
            String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            if (body.isEmpty() || body.startsWith("-") || body.startsWith("=")) {
                throw new FlagException("bad flag syntax: " + arg);
            }
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            Definition def = definitions.get(name);
            if (def == null && (name.equals("h") || name.equals("help"))) {
                throw new HelpRequested();
            }
            if (def == null) {
                throw new FlagException("flag provided but not defined: -" + name);
            }
            i++;
            if (def.kind() == Kind.BOOL) {
                value = value == null ? "true" : value;
            } else if (value == null) {
                if (i >= args.length) {
                    throw new FlagException("flag needs an argument: -" + name);
                }
                value = args[i++];
            }
            values.put(name, normalise(def, value));
            setExplicitly.add(name);
        }
        while (i < args.length) {
            rest.add(args[i++]);
        }
        return this;
    }

    private static String normalise(Definition def, String value) throws FlagException {
        String bad = "invalid value \"" + value + "\" for flag -" + def.name() + ": ";
        switch (def.kind()) {
            case BOOL -> {
                return switch (value) {
                    case "1", "t", "T", "true", "TRUE", "True" -> "true";
                    case "0", "f", "F", "false", "FALSE", "False" -> "false";
                    default -> throw new FlagException(bad + "parse error");
                };
            }
            case INT, UINT -> {
                try {
                    long v = Long.decode(value);
                    if (v > Integer.MAX_VALUE || v < (def.kind() == Kind.UINT ? 0 : Integer.MIN_VALUE)) {
                        throw new FlagException(bad + "value out of range");
                    }
                    return Long.toString(v);
                } catch (NumberFormatException e) {
                    throw new FlagException(bad + "parse error");
                }
            }
            case DURATION -> {
                return formatDuration(parseDuration(value, bad));
            }
            default -> {
                return value;
            }
        }
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    /** Parses a Go duration: {@code 300ms}, {@code 1.5h}, {@code 2h45m}, {@code 0}. */
    static Duration parseDuration(String text, String errorPrefix) throws FlagException {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION_PART.matcher(text);
        int pos = 0;
        double nanos = 0;
        while (pos < text.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new FlagException(errorPrefix + "parse error");
            }
            double unit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            nanos += Double.parseDouble(m.group(1)) * unit;
            pos = m.end();
        }
        if (text.isEmpty() || nanos > Long.MAX_VALUE) {
            throw new FlagException(errorPrefix + "parse error");
        }
        return Duration.ofNanos((long) nanos);
    }

    private static String formatDuration(Duration d) {
        return Long.toString(d.toNanos()) + "ns";
    }

    private Definition definition(String name, Kind kind) {
        Definition def = definitions.get(name);
        if (def == null || def.kind() != kind) {
            throw new IllegalArgumentException("no " + kind.name().toLowerCase(Locale.ROOT) + " flag " + name);
        }
        return def;
    }

    private String raw(String name, Kind kind) {
        Definition def = definition(name, kind);
        return values.getOrDefault(name, def.defaultValue());
    }

    public boolean getBool(String name) {
        return Boolean.parseBoolean(raw(name, Kind.BOOL));
    }

    public String getString(String name) {
        return raw(name, Kind.STRING);
    }

    public int getInt(String name) {
        Definition def = definitions.get(name);
        return Integer.parseInt(raw(name, def != null && def.kind() == Kind.UINT ? Kind.UINT : Kind.INT));
    }

    public Duration getDuration(String name) {
        String v = raw(name, Kind.DURATION);
        if (v.endsWith("ns")) {
            return Duration.ofNanos(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        return Duration.ZERO;
    }

    /** Whether the command line set this flag (to any value). */
    public boolean isSet(String name) {
        return setExplicitly.contains(name);
    }

    /** The arguments after the flags. */
    public List<String> rest() {
        return List.copyOf(rest);
    }

    /** A usage text in the style of Go's flag package. */
    public String usage(String command) {
        StringBuilder sb = new StringBuilder("Usage of ").append(command).append(":\n");
        for (Definition def : definitions.values()) {
            sb.append("  -").append(def.name());
            switch (def.kind()) {
                case STRING -> sb.append(" string");
                case INT -> sb.append(" int");
                case UINT -> sb.append(" uint");
                case DURATION -> sb.append(" duration");
                case BOOL -> { }
            }
            sb.append("\n    \t").append(def.usage());
            boolean zero = switch (def.kind()) {
                case BOOL -> def.defaultValue().equals("false");
                case STRING -> def.defaultValue().isEmpty();
                case INT, UINT -> def.defaultValue().equals("0");
                case DURATION -> def.defaultValue().equals("0ns");
            };
            if (!zero) {
                String shown = def.kind() == Kind.STRING ? "\"" + def.defaultValue() + "\"" : def.defaultValue();
                if (def.kind() == Kind.DURATION) {
                    shown = Duration.ofNanos(Long.parseLong(def.defaultValue().replace("ns", ""))).toString();
                }
                sb.append(" (default ").append(shown).append(")");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
