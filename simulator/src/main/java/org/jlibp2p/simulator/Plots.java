package org.jlibp2p.simulator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The pictures of a result, as PNG files next to its JSON. */
final class Plots {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;
    /** Points a CDF is drawn with at most. */
    private static final int CDF_POINTS = 2000;

    private Plots() {}

    /** Writes the plots of {@code r} into {@code dir}; returns the files written. */
    static List<Path> write(Result r, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        String title = r.name + " (" + r.get("nodes") + " nodes, seed " + r.get("seed") + ")";
        if (r.kind.equals("dht")) {
            out.add(cdf(dir.resolve("lookup-latency-cdf.png"), "Lookup latency CDF: " + title, "latency (ms)",
                    r.series.get("lookup_latency_ms")));
            out.add(histogram(dir.resolve("lookup-hops.png"), "Lookup hops: " + title, "hops",
                    r.series.get("lookup_hops")));
            if (!r.timeline.isEmpty()) {
                XYSeries online = new XYSeries("share of nodes online");
                XYSeries success = new XYSeries("lookup success");
                for (double[] t : r.timeline) {
                    online.add(t[0], t[1]);
                    if (!Double.isNaN(t[2])) {
                        success.add(t[0], t[2]);
                    }
                }
                XYSeriesCollection c = new XYSeriesCollection();
                c.addSeries(online);
                c.addSeries(success);
                out.add(save(dir.resolve("timeline.png"), ChartFactory.createXYLineChart("Timeline: " + title,
                        "time since the lookups began (s)", "share", c, PlotOrientation.VERTICAL, true, false,
                        false)));
            }
        } else {
            out.add(cdf(dir.resolve("delivery-cdf.png"), "Delivery time CDF: " + title, "time after publish (ms)",
                    r.series.get("delivery_ms")));
            out.add(histogram(dir.resolve("duplicates.png"), "Duplicates per message per node: " + title,
                    "duplicate copies received", r.series.get("duplicates")));
        }
        return out;
    }

    private static Path cdf(Path file, String title, String xLabel, double[] sorted) throws IOException {
        XYSeries s = new XYSeries("CDF");
        int len = sorted.length;
        int step = Math.max(1, len / CDF_POINTS);
        for (int i = 0; i < len; i += step) {
            s.add(sorted[i], (i + 1) / (double) len);
        }
        if (len > 0) {
            s.add(sorted[len - 1], 1.0);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "share", new XYSeriesCollection(s),
                PlotOrientation.VERTICAL, false, false, false);
        return save(file, chart);
    }

    private static Path histogram(Path file, String title, String xLabel, double[] values) throws IOException {
        HistogramDataset d = new HistogramDataset();
        double max = values.length == 0 ? 1 : values[values.length - 1];
        int bins = (int) Math.max(1, Math.min(50, max + 1));
        d.addSeries("count", values.length == 0 ? new double[] {0} : values, bins, -0.5, max + 0.5);
        JFreeChart chart = ChartFactory.createHistogram(title, xLabel, "count", d, PlotOrientation.VERTICAL, false,
                false, false);
        return save(file, chart);
    }

    private static Path save(Path file, JFreeChart chart) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return file;
    }
}
