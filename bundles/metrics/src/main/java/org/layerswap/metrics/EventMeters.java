package org.layerswap.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.ColdStart;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.OperationsListener;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.SwapRecord;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Meters of the events the executor and the swap manager publish ({@link OperationsListener}): invocations and
 * executions by status, cold-start breakdown and critical-path stall histograms, fetches and bytes by source, swap
 * outcomes and durations. Prefetched layers go to the {@link PrefetchLedger}, which later counts them used or wasted,
 * and their records to {@link PrefetchStarts}.
 * Invariant: every counter here only grows, by exactly one per event (bytes: by the record's bytes). Thread-safe.
 */
public final class EventMeters implements OperationsListener {

    /** Histogram buckets of every duration here: 1 ms to 2 min, roughly 1-2.5-5 per decade. */
    static final Duration[] BUCKETS = durations(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 120_000);

    private final MeterRegistry registry;
    private final PrefetchLedger ledger;
    private final PrefetchStarts starts;
    private final Counter invocations;

    public EventMeters(MeterRegistry registry, PrefetchLedger ledger, PrefetchStarts starts) {
        this.registry = registry;
        this.ledger = ledger;
        this.starts = starts;
        this.invocations = Counter.builder("layerswap.invocations")
                .description("Invocations the function executor handled (every status)").register(registry);
        for (ExecutionResult.Status s : ExecutionResult.Status.values()) {
            executions(s); // every status shows from the start, at 0
        }
        for (String phase : List.of("decision", "layer_wait", "mount", "process_start", "execution", "to_first_instruction")) {
            coldStart(phase);
        }
        criticalPathFetches();
        stall();
    }

    @Override
    public void executionFinished(ExecutionResult r) {
        invocations.increment();
        executions(r.status()).increment();
        ledger.used(r.functionId(), r.onDemandLayers());
        if (r.status() == ExecutionResult.Status.NOT_RUN) {
            return; // no cold start to break down
        }
        ColdStart c = r.coldStart();
        record(coldStart("decision"), c.decisionMicros());
        record(coldStart("layer_wait"), c.layerWaitMicros());
        record(coldStart("mount"), c.mountMicros());
        record(coldStart("process_start"), c.processStartMicros());
        record(coldStart("execution"), c.executionMicros());
        record(coldStart("to_first_instruction"), c.toFirstInstructionMicros());
        if (!r.onDemandLayers().isEmpty()) {
            record(stall(), c.layerWaitMicros());
        }
    }

    @Override
    public void swapRecorded(SwapRecord r) {
        String outcome = lower(r.outcome());
        Counter.builder("layerswap.swaps").description("Swap records by outcome and mechanism (a shadow rollout counts when it "
                        + "starts shadowing and again when it is promoted or rolled back)")
                .tag("outcome", outcome).tag("mode", lower(r.mode())).register(registry).increment();
        Timer.builder("layerswap.swap.duration").description("Time from a swap's start to its flip or failure")
                .tag("outcome", outcome).serviceLevelObjectives(BUCKETS).register(registry)
                .record(r.durationMicros(), TimeUnit.MICROSECONDS);
    }

    @Override
    public void fetchRecorded(PrefetchRecord r) {
        String source = lower(r.priority());
        starts.finished(r);
        Counter.builder("layerswap.fetches").description("Finished layer fetches by source (on_demand: an invocation waited; "
                        + "prefetch: predicted) and outcome")
                .tag("source", source).tag("outcome", r.succeeded() ? "succeeded" : "failed").register(registry).increment();
        if (r.succeeded()) {
            Counter.builder("layerswap.fetched").baseUnit("bytes").description("Bytes of layers fetched, by source")
                    .tag("source", source).register(registry).increment(r.bytes());
        }
        if (r.priority() == FetchPriority.ON_DEMAND) {
            criticalPathFetches().increment();
        } else if (r.succeeded()) {
            ledger.prefetched(r.layer(), r.bytes());
        }
    }

    private Counter executions(ExecutionResult.Status s) {
        return Counter.builder("layerswap.executions").description("Function executions by how they ended")
                .tag("status", lower(s)).register(registry);
    }

    private Timer coldStart(String phase) {
        return Timer.builder("layerswap.cold.start").description("Where an invocation's start-up time went, by phase "
                        + "(the executor's ColdStart)")
                .tag("phase", phase).serviceLevelObjectives(BUCKETS).register(registry);
    }

    private Counter criticalPathFetches() {
        return Counter.builder("layerswap.critical.path.fetches")
                .description("Layers fetched on demand, on an invocation's critical path").register(registry);
    }

    private Timer stall() {
        return Timer.builder("layerswap.critical.path.stall")
                .description("Time invocations with on-demand layers waited for them (pull, verify, unpack)")
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    private static void record(Timer t, long micros) {
        t.record(Math.max(0, micros), TimeUnit.MICROSECONDS);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static Duration[] durations(long... millis) {
        Duration[] d = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            d[i] = Duration.ofMillis(millis[i]);
        }
        return d;
    }
}
