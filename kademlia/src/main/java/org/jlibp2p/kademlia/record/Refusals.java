package org.jlibp2p.kademlia.record;

import java.time.Duration;
import java.time.Instant;

/**
 * Puts a store refused, for operators: the first is logged at INFO with its reason, then at most one line a minute
 * (of the {@code now} the store is given), saying how many more there were. A flood shows in the log without
 * flooding it.
 */
final class Refusals {
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final System.Logger log;
    private final String store;
    private Instant lastLine;
    private long sinceLastLine;
    private long total;

    Refusals(Class<?> owner, String store) {
        this.log = System.getLogger(owner.getName());
        this.store = store;
    }

    void refused(String reason, Instant now) {
        total++;
        sinceLastLine++;
        if (lastLine == null || !now.isBefore(lastLine.plus(INTERVAL))) {
            log.log(System.Logger.Level.INFO, store + " refused a put: " + reason
                    + (sinceLastLine > 1 ? "; " + (sinceLastLine - 1) + " more refused since the last line, "
                    + total + " in all" : ""));
            lastLine = now;
            sinceLastLine = 0;
        }
    }

    long total() {
        return total;
    }
}
