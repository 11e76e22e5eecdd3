package org.layerswap.replay;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts of a replay (JFreeChart, headless). */
final class Charts {

    private Charts() {
    }

    static void write(ReplayResult r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset share = new DefaultCategoryDataset();
        for (PolicyResult p : r.results()) {
            share.addValue(100 * nz(p.criticalPathShare()), "all", p.policy());
            for (int c = 0; c < 3; c++) {
                share.addValue(100 * nz(p.criticalPathShare(c)), EventTable.CLASS_NAMES[c], p.policy());
            }
        }
        bars(dir.resolve("policies.png"), "Invocations with a critical-path layer fetch", "% of invocations", share);
        DefaultCategoryDataset stalls = new DefaultCategoryDataset();
        for (PolicyResult p : r.results()) {
            stalls.addValue(nz(p.stallP95Ms()), "p95", p.policy());
            stalls.addValue(nz(p.stallP99Ms()), "p99", p.policy());
            stalls.addValue(nz(p.stallMeanWhenFetchingMs()), "mean when fetching", p.policy());
        }
        bars(dir.resolve("stalls.png"), "Cold-start stall", "ms", stalls);
        XYSeriesCollection rel = new XYSeriesCollection();
        for (PolicyResult p : r.results()) {
            Calibration c = p.calibration();
            if (c == null || c.predictions() == 0) {
                continue;
            }
            XYSeries s = new XYSeries(p.policy(), true, true);
            for (int b = 0; b < Calibration.BINS; b++) {
                if (c.binCount(b) > 0) {
                    s.add(c.binMeanPrediction(b), c.binObservedRate(b));
                }
            }
            rel.addSeries(s);
        }
        if (rel.getSeriesCount() > 0) {
            XYSeries diagonal = new XYSeries("perfect calibration");
            diagonal.add(0, 0);
            diagonal.add(1, 1);
            rel.addSeries(diagonal);
            JFreeChart chart = ChartFactory.createXYLineChart("Reliability of predicted layer probabilities",
                    "predicted probability", "observed frequency", rel, PlotOrientation.VERTICAL, true, false, false);
            chart.setBackgroundPaint(Color.WHITE);
            chart.getXYPlot().setBackgroundPaint(Color.WHITE);
            XYLineAndShapeRenderer rr = new XYLineAndShapeRenderer(true, true);
            int last = rel.getSeriesCount() - 1;
            rr.setSeriesPaint(last, Color.GRAY);
            rr.setSeriesShapesVisible(last, false);
            rr.setSeriesStroke(last, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
            chart.getXYPlot().setRenderer(rr);
            ChartUtils.saveChartAsPNG(dir.resolve("calibration.png").toFile(), chart, 800, 600);
        }
        if (!r.sweep().isEmpty()) {
            xy(dir.resolve("sweep-storage.png"), "Sweep: fetch rate vs resident storage", "resident storage (GB*s, log)",
                    r.sweep(), PolicyResult::residentGbSeconds);
            xy(dir.resolve("sweep-bytes.png"), "Sweep: fetch rate vs bytes fetched", "bytes fetched (GB, log)",
                    r.sweep(), p -> p.bytesFetched() / 1e9);
        }
    }

    private static double nz(double d) {
        return Double.isNaN(d) ? 0 : d;
    }

    private static void bars(Path file, String title, String yLabel, DefaultCategoryDataset ds) throws IOException {
        JFreeChart chart = ChartFactory.createBarChart(title, null, yLabel, ds, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        CategoryAxis axis = plot.getDomainAxis();
        axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 520);
    }

    private static void xy(Path file, String title, String xLabel, List<PolicyResult> rs,
                           ToDoubleFunction<PolicyResult> x) throws IOException {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (PolicyResult p : rs) {
            double xv = x.applyAsDouble(p);
            if (!(xv > 0)) {
                continue;
            }
            series.computeIfAbsent(p.family(), k -> new XYSeries(k, false, true)).add(xv, 100 * nz(p.criticalPathShare()));
        }
        XYSeriesCollection ds = new XYSeriesCollection();
        series.values().forEach(ds::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "% invocations with a critical-path fetch", ds,
                PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (ds.getSeriesCount() > 0) {
            LogAxis log = new LogAxis(xLabel);
            log.setSmallestValue(1e-6);
            log.setNumberFormatOverride(new java.text.DecimalFormat("0.0E0"));
            log.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.1));
            plot.setDomainAxis(log);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < ds.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 560);
    }
}
