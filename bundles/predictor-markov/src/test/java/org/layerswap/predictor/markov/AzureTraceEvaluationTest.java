package org.layerswap.predictor.markov;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.Predictor;
import org.layerswap.predictor.encog.EncogPredictor;
import org.layerswap.predictor.encog.EncogSettings;
import org.layerswap.predictor.histogram.HistogramPredictor;
import org.layerswap.profiler.engine.PoissonPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.profiler.testkit.Evaluation;

/**
 * The predictors on one real day: the Azure Functions 2019 sample (1,350 functions, per-minute counts;
 * the k invocations of a minute are spread evenly over it). Checkpoints every 10 minutes after a 2-hour
 * warm-up, each function's probability of running in the next 5 minutes against the truth. Skipped
 * when the shared trace is absent.
 */
class AzureTraceEvaluationTest {

    static final Path TRACE = Paths.get("../../../shared/data/azure2019-1350-invocations.csv");

    static List<InvocationEvent> load(Path file, List<String> functions) throws IOException {
        List<InvocationEvent> events = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String[] header = r.readLine().split(",");
            int fnCol = -1;
            Map<Integer, Integer> minuteCols = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                String h = header[i].trim();
                if (h.equals("HashFunction")) {
                    fnCol = i;
                } else if (h.matches("(minute_)?\\d+(_minute)?")) {
                    minuteCols.put(i, Integer.parseInt(h.replaceAll("\\D", "")));
                }
            }
            assertTrue(fnCol >= 0 && minuteCols.size() == 1440, "unexpected header in " + file);
            String line;
            while ((line = r.readLine()) != null) {
                String[] cols = line.split(",");
                String fn = cols[fnCol];
                functions.add(fn);
                for (Map.Entry<Integer, Integer> c : minuteCols.entrySet()) {
                    int k = Integer.parseInt(cols[c.getKey()].trim());
                    long minuteStart = (c.getValue() - 1) * 60_000L;
                    for (int i = 0; i < k; i++) {
                        events.add(InvocationEvent.of(fn, minuteStart + (long) ((i + 0.5) * 60_000.0 / k)));
                    }
                }
            }
        }
        events.sort(Comparator.comparingLong(InvocationEvent::timestampMillis));
        return events;
    }

    @Test
    void predictorsOnTheAzure2019Sample() throws IOException {
        assumeTrue(Files.isReadable(TRACE), "shared trace " + TRACE.toAbsolutePath() + " is absent");
        List<String> functions = new ArrayList<>();
        List<InvocationEvent> events = load(TRACE, functions);
        long end = 1440 * 60_000L;
        Map<String, Evaluation> results = new LinkedHashMap<>();
        for (Predictor p : List.of(new PoissonPredictor(), new HistogramPredictor(), new MarkovPredictor())) {
            ProfilerEngine e = new ProfilerEngine(ProfilerSettings.defaults(), p);
            results.put(p.name(), Evaluation.run(e, events, functions, 0, end, 120 * 60_000L, 10 * 60_000L));
        }
        // encog, trained in manual mode every simulated hour (deterministic), evaluated as it learns
        EncogPredictor encog = new EncogPredictor(EncogSettings.defaults().withBackground(false));
        ProfilerEngine ee = new ProfilerEngine(ProfilerSettings.defaults(), encog);
        results.put("encog", Evaluation.run(ee, events, functions, 0, end, 120 * 60_000L, 10 * 60_000L,
                t -> {
                    if (t % 3_600_000L == 0) {
                        encog.trainNow();
                    }
                }));
        StringBuilder report = new StringBuilder("Azure 2019 sample, " + events.size() + " events, " + functions.size()
                + " functions, 5-min window, checkpoints every 10 min after 2 h:\n");
        results.forEach((name, ev) -> report.append(String.format("  %-16s brier %.4f  constant %.4f  auc %.3f  base %.3f  mean predicted %.3f%n",
                name, ev.all.brier(), ev.all.constantBrier(), ev.auc, ev.all.baseRate(), ev.all.meanPredicted())));
        report.append("  encog status: ").append(encog.status()).append('\n');
        System.out.println(report);
        Evaluation hist = results.get("histogram");
        Evaluation markov = results.get("markov");
        assertTrue(hist.all.brier() < 0.7 * hist.all.constantBrier(), report.toString());
        assertTrue(markov.all.brier() <= hist.all.brier() * 1.02, report.toString());
        assertTrue(markov.auc > 0.9, report.toString());
        // the gate keeps encog no worse than its fallback (the histogram) beyond noise
        assertTrue(results.get("encog").all.brier() <= hist.all.brier() * 1.05, report.toString());
    }
}
