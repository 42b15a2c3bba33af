package org.jlibp2p.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The test parser is strict: what it accepts, and a few things it must refuse. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrometheusTextTest {
    @Test
    void readsSamplesWithLabelsAndEscapes() {
        PrometheusText.Parsed p = PrometheusText.parse("""
                # HELP x_total Some things
                # TYPE x_total counter
                x_total{protocol="/a \\"b\\"",dir="in"} 3.0
                # TYPE g gauge
                g 1.5e3 1700000000000
                g{k="+Inf"} +Inf
                """);
        assertEquals(3.0, p.get("x_total", "protocol", "/a \"b\"", "dir", "in"));
        assertEquals(1500.0, p.get("g"));
        assertEquals(Double.POSITIVE_INFINITY, p.get("g", "k", "+Inf"));
    }

    @Test
    void refusesMalformedExpositions() {
        for (String bad : new String[] {
                "x 1\n",                                        // no TYPE
                "# TYPE x gauge\nx{a=\"1\" 1\n",                 // unterminated labels
                "# TYPE x gauge\nx{a=\"1\"} one\n",              // not a number
                "# TYPE x gauge\nx 1\nx 2\n",                   // a series twice
                "# TYPE x gauge\n# TYPE x gauge\n",             // typed twice
                "# TYPE x gauge\nx{1a=\"1\"} 1\n",               // bad label name
                "# TYPE x gauge\nx 1",                          // no final newline
                "# TYPE x widget\n",                            // unknown type
        }) {
            assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(bad), bad);
        }
    }
}
