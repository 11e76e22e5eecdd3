package org.layerswap.itests.soak;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /layerswap/metrics} (Prometheus text format 0.0.4) parsed into series: name, labels, value.
 * Comment lines are skipped; a line that is neither a comment nor a sample fails the parse naming it.
 */
public final class MetricsScrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Series(String name, Map<String, String> labels, double value) {
    }

    private final List<Series> series;

    private MetricsScrape(List<Series> series) {
        this.series = series;
    }

    public static MetricsScrape parse(String text) {
        List<Series> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(l);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + l);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher lm = LABEL.matcher(m.group(3));
                while (lm.find()) {
                    labels.put(lm.group(1), lm.group(2));
                }
            }
            out.add(new Series(m.group(1), labels, parseValue(m.group(4))));
        }
        return new MetricsScrape(out);
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    /** Sum of the series named {@code name} whose labels pass {@code labels}; NaN when there is none. */
    public double sum(String name, Predicate<Map<String, String>> labels) {
        double s = 0;
        boolean any = false;
        for (Series x : series) {
            if (x.name().equals(name) && labels.test(x.labels())) {
                s += x.value();
                any = true;
            }
        }
        return any ? s : Double.NaN;
    }

    /** The cumulative buckets {@code le -> count} of histogram {@code name} (summed over series passing {@code labels}). */
    public TreeMap<Double, Double> buckets(String name, Predicate<Map<String, String>> labels) {
        TreeMap<Double, Double> b = new TreeMap<>();
        for (Series x : series) {
            if (x.name().equals(name + "_bucket") && labels.test(x.labels()) && x.labels().containsKey("le")) {
                b.merge(parseValue(x.labels().get("le")), x.value(), Double::sum);
            }
        }
        return b;
    }

    /** The series named {@code name} whose labels pass {@code labels}. */
    public List<Series> series(String name, Predicate<Map<String, String>> labels) {
        return series.stream().filter(x -> x.name().equals(name) && labels.test(x.labels())).toList();
    }

    public int size() {
        return series.size();
    }
}
