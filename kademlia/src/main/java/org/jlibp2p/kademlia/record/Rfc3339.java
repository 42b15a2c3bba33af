package org.jlibp2p.kademlia.record;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoField;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IPNS validity: an RFC 3339 timestamp with nanoseconds. Written as js ({@code ipns}) writes it, UTC with nine
 * fraction digits ({@code 2026-01-02T03:04:05.000000006Z}; go's boxo drops trailing zeros); read in any RFC 3339
 * form (a fraction of 1 to 9 digits or none, {@code Z} or a numeric offset), nothing else.
 */
final class Rfc3339 {
    private static final Pattern FORMAT = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?:(Z)|([+-])(\\d{2}):(\\d{2}))");
    private static final long MAX_TEXT = 64;

    private Rfc3339() {}

    /** {@code instant} as UTC with nine fraction digits; its year must be 0 to 9999. */
    static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            throw new IllegalArgumentException("RFC 3339 has years 0000 to 9999, not " + t.getYear());
        }
        return String.format("%04d-%02d-%02dT%02d:%02d:%02d.%09dZ", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
    }

    static Instant parse(String text) throws InvalidRecordException {
        if (text.length() > MAX_TEXT) {
            throw new InvalidRecordException("validity of " + text.length() + " characters is not an RFC 3339 time");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new InvalidRecordException("validity \"" + text + "\" is not an RFC 3339 time");
        }
        try {
            String fraction = m.group(7) == null ? "" : m.group(7);
            int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
            LocalDateTime local = LocalDateTime.of(num(m, 1), num(m, 2), num(m, 3), num(m, 4), num(m, 5), num(m, 6),
                    nanos);
            ZoneOffset offset = ZoneOffset.UTC;
            if (m.group(8) == null) {
                int hours = num(m, 10);
                int minutes = num(m, 11);
                ChronoField.HOUR_OF_DAY.checkValidValue(hours);
                ChronoField.MINUTE_OF_HOUR.checkValidValue(minutes);
                int seconds = hours * 3600 + minutes * 60;
                offset = ZoneOffset.ofTotalSeconds(m.group(9).equals("-") ? -seconds : seconds);
            }
            return local.toInstant(offset);
        } catch (DateTimeException e) {
            throw new InvalidRecordException("validity \"" + text + "\" is not a valid time: " + e.getMessage(), e);
        }
    }

    private static int num(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }
}
