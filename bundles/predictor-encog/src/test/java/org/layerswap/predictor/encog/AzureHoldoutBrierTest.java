package org.layerswap.predictor.encog;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.Predictor;
import org.layerswap.predictor.histogram.HistogramPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.profiler.testkit.Evaluation;
import org.layerswap.workload.InvocationStream;
import org.layerswap.workload.Traces;

/**
 * Feed-forward against Elman on the Azure 2019 sample (read by the replay's reader), hold-out in time:
 * each network trains in trace time (inline, a round every 60 min) on the first 12 h; from 12 h on it is
 * frozen (training stops, the profiler keeps ingesting) and scored every 10 min on every function's
 * "runs within the next 5 min" over the last 12 h. The histogram predictor (the fallback) is scored on the
 * same checkpoints. Skipped, saying so, when the shared trace is absent.
 *
 * <p>An evaluation (about 7 minutes, mostly Elman training), not part of the default test run. Run:
 * {@code mvn -B -o -q -f bundles/pom.xml -pl predictor-encog -am test -Dlayerswap.excludedGroups= -Dgroups=evaluation
 * -Dtest=AzureHoldoutBrierTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("evaluation")
class AzureHoldoutBrierTest {

    static final Path TRACE = Path.of("../../../shared/data/azure2019-1350-invocations.csv");
    static final long MIN = 60_000L;
    static final long HALF = 720 * MIN;
    static final long END = 1440 * MIN;

    static List<InvocationEvent> load() {
        List<InvocationEvent> events = new ArrayList<>();
        try (InvocationStream s = Traces.open("azure2019:" + TRACE, 1L)) {
            s.forEachRemaining(events::add);
        }
        return events;
    }

    @Test
    void feedForwardAndElmanAreScoredOnTheLastTwelveHoursAfterTrainingOnTheFirst() {
        assumeTrue(Files.isReadable(TRACE), "shared trace " + TRACE.toAbsolutePath() + " is absent");
        List<InvocationEvent> events = load();
        Set<String> fns = new LinkedHashSet<>();
        events.forEach(e -> fns.add(e.functionId()));
        List<String> functions = List.copyOf(fns);
        StringBuilder report = new StringBuilder(String.format(
                "Azure 2019 sample: %d events, %d functions; train [0,12h) in trace time, score [12h,24h) every 10 min, 5-min window%n",
                events.size(), functions.size()));
        Evaluation hist = score(new HistogramPredictor(), null, events, functions);
        report.append(line("histogram", hist, ""));
        Evaluation best = null;
        for (NetworkKind kind : NetworkKind.values()) {
            long t0 = System.nanoTime();
            EncogPredictor encog = new EncogPredictor(EncogSettings.replay().withNetwork(kind));
            Evaluation ev = score(encog, encog, events, functions);
            report.append(line("encog " + kind, ev, String.format("  [%s, %.0f s]", encog.status(),
                    (System.nanoTime() - t0) / 1e9)));
            // the gate keeps each network no worse than its fallback (the histogram hazard) beyond noise
            assertTrue(ev.all.brier() <= hist.all.brier() * 1.05, report.toString());
            best = best == null || ev.all.brier() < best.all.brier() ? ev : best;
        }
        System.out.println(report);
        assertTrue(best.all.brier() < hist.all.constantBrier(), report.toString());
    }

    private static Evaluation score(Predictor p, EncogPredictor encog, List<InvocationEvent> events, List<String> functions) {
        ProfilerEngine engine = new ProfilerEngine(ProfilerSettings.defaults(), p);
        return Evaluation.run(engine, events, functions, 0, END, HALF, 10 * MIN, cp -> {
            if (encog != null && encog.settings().training() == EncogSettings.Training.INLINE) {
                encog.reconfigure(encog.settings().withTraining(EncogSettings.Training.MANUAL)); // frozen from 12 h
            }
        });
    }

    private static String line(String name, Evaluation ev, String extra) {
        return String.format("  %-20s brier %.4f  constant %.4f  auc %.3f  base %.3f  mean predicted %.3f%s%n", name,
                ev.all.brier(), ev.all.constantBrier(), ev.auc, ev.all.baseRate(), ev.all.meanPredicted(), extra);
    }
}
