package org.jlibp2p.core.resource;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.time.Scheduler;

/**
 * Refused connections and streams, counted per reason, for operators: the first refusal of each reason is logged at
 * INFO, then at most one line per reason per interval, saying how many more there were. An attack shows in the log
 * without flooding it.
 */
public final class RefusalLog {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.refusals");

    private final Scheduler clock;
    private final long intervalNanos;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        long total;
        long sinceLastLine;
        long lastLineNanos;
        boolean logged;
    }

    public RefusalLog(Scheduler clock, Duration interval) {
        this.clock = clock;
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Counts a refusal of {@code reason} (a short fixed phrase, e.g. "peer inbound streams"), and logs it if none of
     * that reason was logged within the interval. {@code who} names the peer and address; {@code detail} the limit.
     */
    public void refused(String reason, String who, String detail) {
        Entry e = entries.computeIfAbsent(reason, r -> new Entry());
        long now = clock.nanoTime();
        String line = null;
        synchronized (e) {
            e.total++;
            e.sinceLastLine++;
            if (!e.logged || now - e.lastLineNanos >= intervalNanos) {
                line = "refused (" + reason + ") " + who + ": " + detail
                        + (e.sinceLastLine > 1 ? "; " + (e.sinceLastLine - 1) + " more of this kind since the last"
                        + " line, " + e.total + " in all" : "");
                e.logged = true;
                e.lastLineNanos = now;
                e.sinceLastLine = 0;
            }
        }
        if (line != null) {
            LOG.log(System.Logger.Level.INFO, line);
        }
    }

    /** Refusals so far, per reason, sorted by reason. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        entries.forEach((reason, e) -> {
            synchronized (e) {
                out.put(reason, e.total);
            }
        });
        return out;
    }

    /** Refusals of {@code reason} so far. */
    public long count(String reason) {
        Entry e = entries.get(reason);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return e.total;
        }
    }
}
