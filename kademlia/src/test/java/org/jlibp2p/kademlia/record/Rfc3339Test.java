package org.jlibp2p.kademlia.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class Rfc3339Test {
    @Test
    void writesUtcWithNineFractionDigits() {
        assertEquals("2026-01-02T03:04:05.000000006Z", Rfc3339.format(Instant.parse("2026-01-02T03:04:05.000000006Z")));
        assertEquals("1970-01-01T00:00:00.000000000Z", Rfc3339.format(Instant.EPOCH));
    }

    @Test
    void readsEveryRfc3339Form() throws Exception {
        Instant t = Instant.parse("2123-08-14T12:17:03.694052Z");
        assertEquals(t, Rfc3339.parse("2123-08-14T12:17:03.694052Z"));
        assertEquals(t, Rfc3339.parse("2123-08-14T12:17:03.694052000Z"));
        assertEquals(t, Rfc3339.parse("2123-08-14T14:17:03.694052+02:00"));
        assertEquals(t, Rfc3339.parse("2123-08-14T11:47:03.694052-00:30"));
        assertEquals(Instant.parse("2030-01-01T00:00:00Z"), Rfc3339.parse("2030-01-01T00:00:00Z"));
        assertEquals(Instant.parse("2030-01-01T00:00:00.100Z"), Rfc3339.parse("2030-01-01T00:00:00.1Z"));
    }

    @Test
    void refusesYearsRfc3339CannotWrite() {
        assertThrows(IllegalArgumentException.class, () -> Rfc3339.format(Instant.parse("+10000-01-01T00:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> Rfc3339.format(Instant.parse("-0001-01-01T00:00:00Z")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "2030-01-01", "2030-01-01 00:00:00Z", "2030-01-01T00:00:00", "2030-01-01T00:00:00.Z",
        "2030-01-01T00:00:00.1234567890Z", "2030-13-01T00:00:00Z", "2030-02-30T00:00:00Z", "2030-01-01T24:00:00Z",
        "2030-01-01T00:60:00Z", "2030-01-01T00:00:60Z", "2030-01-01T00:00:00+24:00", "2030-01-01T00:00:00+01:60",
        "2030-01-01T00:00:00+0100", "+2030-01-01T00:00:00Z", "2030-01-01T00:00:00Zjunk", "２０３０-01-01T00:00:00Z",
        "2030-01-01T00:00:00.000000000000000000000000000000000000000000000000000000000000000000Z"
    })
    void refusesWhatIsNotRfc3339(String text) {
        assertThrows(InvalidRecordException.class, () -> Rfc3339.parse(text), text);
    }
}
