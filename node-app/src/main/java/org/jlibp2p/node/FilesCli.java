package org.jlibp2p.node;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.io.ChannelDuplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.node.P2pctl.UsageException;
import org.jlibp2p.node.control.ControlCodec;
import org.jlibp2p.node.control.ControlRequest;
import org.jlibp2p.node.control.FilesCodec;

/**
 * {@code p2pctl add} and {@code p2pctl get}: the FILES requests, with a progress bar on a terminal and JSON progress
 * lines with {@code --json}. A directory is added whole ({@code -r} may be given, as with {@code ipfs add}); a get of
 * {@code CID/sub/file} writes what the path names under the root, a file or a tree.
 */
final class FilesCli {
    static final String ADD_USAGE =
            "add [-r] <file|dir> [--cid-version 0|1] [--chunk-size <bytes>] [--raw-leaves=true|false]";
    static final String GET_USAGE =
            "get <cid>[/path] [-o <file|dir>] [--json] [--peer <maddr>/p2p/<peer>]... [--timeout <s>]";
    /** Progress messages read at most (a day at 4 a second). */
    private static final int MAX_MESSAGES = 400_000;

    private FilesCli() {}

    private static String value(List<String> a, int[] i, String flag) throws UsageException {
        String arg = a.get(i[0]);
        if (arg.startsWith(flag + "=")) {
            return arg.substring(flag.length() + 1);
        }
        if (i[0] + 1 >= a.size()) {
            throw new UsageException(flag + " needs a value");
        }
        return a.get(++i[0]);
    }

    private static boolean is(String arg, String flag) {
        return arg.equals(flag) || arg.startsWith(flag + "=");
    }

    static int add(ControlClient client, List<String> a, boolean json, PrintStream out)
            throws IOException, UsageException {
        String file = null;
        int version = 1;
        int chunk = 0;
        Boolean raw = null;
        try {
            for (int[] i = {0}; i[0] < a.size(); i[0]++) {
                String arg = a.get(i[0]);
                if (is(arg, "--cid-version")) {
                    version = Integer.parseInt(value(a, i, "--cid-version"));
                } else if (is(arg, "--chunk-size")) {
                    chunk = Integer.parseInt(value(a, i, "--chunk-size"));
                } else if (arg.equals("--raw-leaves")) {
                    raw = true;
                } else if (is(arg, "--raw-leaves")) {
                    raw = Boolean.parseBoolean(value(a, i, "--raw-leaves"));
                } else if (arg.equals("--json") || arg.equals("-json")) {
                    json = true;
                } else if (arg.equals("-r") || arg.equals("--recursive")) {
                    continue; // a directory is always added whole
                } else if (arg.startsWith("-") || file != null) {
                    throw new UsageException("usage: p2pctl " + ADD_USAGE);
                } else {
                    file = arg;
                }
            }
        } catch (NumberFormatException e) {
            throw new UsageException("add: not a number: " + e.getMessage());
        }
        if (file == null || (version != 0 && version != 1) || chunk < 0) {
            throw new UsageException("usage: p2pctl " + ADD_USAGE);
        }
        boolean rawLeaves = raw != null ? raw : version == 1; // kubo: CIDv1 implies raw leaves
        ControlRequest.FilesAdd req = new ControlRequest.FilesAdd(Path.of(file).toAbsolutePath().toString(), version,
                chunk, rawLeaves);
        try (ChannelDuplex conn = client.open()) {
            LengthPrefixed.write(conn.output(), ControlCodec.encodeRequest(req));
            FilesCodec.Progress p = FilesCodec.decodeProgress(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
            if (json) {
                out.println("{\"cid\":\"" + p.cid() + "\",\"size\":" + p.size() + ",\"blocks\":" + p.blocks()
                        + (p.directories() > 0 ? ",\"files\":" + p.files() + ",\"directories\":" + p.directories() : "")
                        + "}");
            } else {
                out.println(p.cid());
            }
        }
        return 0;
    }

    static int get(ControlClient client, List<String> a, boolean json, boolean terminal, PrintStream out,
            PrintStream err) throws IOException, UsageException {
        Cid cid = null;
        String dagPath = "";
        String output = null;
        List<Multiaddr> peers = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(60);
        for (int[] i = {0}; i[0] < a.size(); i[0]++) {
            String arg = a.get(i[0]);
            if (is(arg, "-o") || is(arg, "--output")) {
                output = value(a, i, arg.startsWith("--") ? "--output" : "-o");
            } else if (is(arg, "--peer")) {
                String m = value(a, i, "--peer");
                try {
                    peers.add(Multiaddr.parse(m));
                } catch (FormatException e) {
                    throw new UsageException("--peer: " + e.getMessage());
                }
            } else if (is(arg, "--timeout")) {
                try {
                    timeout = Duration.ofSeconds(Long.parseLong(value(a, i, "--timeout")));
                } catch (NumberFormatException e) {
                    throw new UsageException("--timeout: seconds expected");
                }
            } else if (arg.equals("--json") || arg.equals("-json")) {
                json = true;
            } else if (arg.startsWith("-") || cid != null) {
                throw new UsageException("usage: p2pctl " + GET_USAGE);
            } else {
                String c = arg.startsWith("/ipfs/") ? arg.substring("/ipfs/".length()) : arg;
                int slash = c.indexOf('/');
                if (slash >= 0) {
                    dagPath = c.substring(slash + 1);
                    c = c.substring(0, slash);
                }
                try {
                    cid = Cid.parse(c);
                } catch (FormatException e) {
                    throw new UsageException("get: not a CID: " + arg);
                }
            }
        }
        if (cid == null) {
            throw new UsageException("usage: p2pctl " + GET_USAGE);
        }
        String last = java.util.Arrays.stream(dagPath.split("/")).filter(s -> !s.isEmpty())
                .reduce((x, y) -> y).orElse(cid.toString());
        Path path = Path.of(output != null ? output : last).toAbsolutePath();
        ControlRequest.FilesGet req = new ControlRequest.FilesGet(cid, path.toString(), peers, timeout, dagPath);
        try (ChannelDuplex conn = client.open()) {
            LengthPrefixed.write(conn.output(), ControlCodec.encodeRequest(req));
            for (int n = 0; n < MAX_MESSAGES; n++) {
                FilesCodec.Progress p;
                try {
                    p = FilesCodec.decodeProgress(LengthPrefixed.read(conn.input(), ControlClient.MAX_RESPONSE));
                } catch (FormatException e) {
                    if (terminal && !json) {
                        err.println();
                    }
                    throw e;
                }
                if (json) {
                    out.println(json(p, path));
                } else if (terminal) {
                    err.print("\r" + bar(p));
                    if (p.done()) {
                        err.println();
                    }
                }
                if (p.done()) {
                    if (!json && p.directories() > 0) {
                        out.println(path + " " + p.files() + " files, " + p.directories() + " directories, " + p.size()
                                + " bytes");
                    } else if (!json) {
                        out.println(path + " " + p.size() + " bytes");
                    }
                    return 0;
                }
            }
            throw new IOException("the daemon never said the fetch was done");
        }
    }

    static String json(FilesCodec.Progress p, Path path) {
        return "{\"cid\":\"" + p.cid() + "\",\"done\":" + p.done() + ",\"bytes\":" + p.bytesDone() + ",\"total\":"
                + p.bytesTotal() + ",\"fetched\":" + p.bytesFetched() + ",\"blocks\":" + p.blocks() + ",\"peers\":"
                + p.peers() + ",\"elapsedMs\":" + p.elapsed().toMillis()
                + (p.done() ? ",\"size\":" + p.size() + ",\"path\":" + Json.string(path.toString()) : "")
                + (p.done() && p.directories() > 0 ? ",\"files\":" + p.files() + ",\"directories\":" + p.directories()
                        : "") + "}";
    }

    /** {@code [#####-----]  42%  12.3 MiB / 29.1 MiB  4.1 MiB/s  ETA 4s  3 peers}. */
    static String bar(FilesCodec.Progress p) {
        int width = 30;
        double frac = p.bytesTotal() > 0 ? Math.min(1.0, (double) p.bytesDone() / p.bytesTotal()) : 0;
        int filled = (int) Math.round(frac * width);
        double secs = Math.max(p.elapsed().toMillis(), 1) / 1000.0;
        double rate = p.bytesFetched() / secs;
        String eta = p.bytesTotal() > 0 && rate > 0
                ? Math.round((p.bytesTotal() - p.bytesDone()) / rate) + "s" : "?";
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] "
                + String.format("%3d%%  %s / %s  %s/s  ETA %s  %d peer%s ", (int) Math.round(frac * 100), size(p.bytesDone()),
                        p.bytesTotal() > 0 ? size(p.bytesTotal()) : "?", size((long) rate), p.done() ? "0s" : eta,
                        p.peers(), p.peers() == 1 ? "" : "s");
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes / 1024.0;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
