package org.layerswap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ColdStart;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.ExperimentArm;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerId;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EventMetersTest {

    static final LayerId A = LayerId.of("sha256:" + "a".repeat(64));
    static final LayerId B = LayerId.of("sha256:" + "b".repeat(64));

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final PrefetchLedger ledger = new PrefetchLedger(registry, f -> List.of(A), l -> true);
    final EventMeters meters = new EventMeters(registry, ledger, new PrefetchStarts(registry));

    static ExecutionResult execution(long id, ExecutionResult.Status status, ColdStart cold, List<LayerId> onDemand) {
        return new ExecutionResult(id, "fn", Map.of(), 0, status, 0, "", "", false, cold, onDemand, 1, ExperimentArm.NONE, "");
    }

    @Test
    void everyExecutionCountsOnceAsAnInvocationAndOnceUnderItsStatus() {
        meters.executionFinished(execution(1, ExecutionResult.Status.SUCCEEDED, new ColdStart(10, 0, 30, 40, 50), List.of()));
        meters.executionFinished(execution(2, ExecutionResult.Status.FAILED, new ColdStart(10, 0, 30, 40, 50), List.of()));
        meters.executionFinished(execution(3, ExecutionResult.Status.NOT_RUN, ColdStart.NONE, List.of()));

        assertEquals(3, registry.get("layerswap.invocations").counter().count());
        assertEquals(1, registry.get("layerswap.executions").tag("status", "succeeded").counter().count());
        assertEquals(1, registry.get("layerswap.executions").tag("status", "failed").counter().count());
        assertEquals(1, registry.get("layerswap.executions").tag("status", "not_run").counter().count());
        assertEquals(0, registry.get("layerswap.executions").tag("status", "timed_out").counter().count(), "every status is there from the start");
    }

    @Test
    void coldStartPhasesOfExecutionsThatRanGoToTheirHistogramsAndOnlyOnDemandWaitsCountAsStalls() {
        meters.executionFinished(execution(1, ExecutionResult.Status.SUCCEEDED, new ColdStart(1_000, 200_000, 3_000, 4_000, 5_000), List.of(A)));
        meters.executionFinished(execution(2, ExecutionResult.Status.SUCCEEDED, new ColdStart(1_000, 0, 3_000, 4_000, 5_000), List.of()));
        meters.executionFinished(execution(3, ExecutionResult.Status.NOT_RUN, ColdStart.NONE, List.of()));

        assertEquals(2, registry.get("layerswap.cold.start").tag("phase", "mount").timer().count());
        assertEquals(200.0, registry.get("layerswap.cold.start").tag("phase", "layer_wait").timer().totalTime(TimeUnit.MILLISECONDS), 1e-9);
        assertEquals(208.0 + 8.0, registry.get("layerswap.cold.start").tag("phase", "to_first_instruction").timer()
                .totalTime(TimeUnit.MILLISECONDS), 1e-9);
        assertEquals(1, registry.get("layerswap.critical.path.stall").timer().count());
        assertEquals(200.0, registry.get("layerswap.critical.path.stall").timer().totalTime(TimeUnit.MILLISECONDS), 1e-9);
    }

    @Test
    void swapsCountByOutcomeAndModeWithTheirDurations() {
        meters.swapRecorded(new SwapRecord(1, "fn", List.of(A), List.of(B), SwapMode.ATOMIC, SwapOutcome.SUCCEEDED, 0, 2_000, ""));
        meters.swapRecorded(new SwapRecord(2, "fn", List.of(A), List.of(B), SwapMode.ATOMIC, SwapOutcome.FAILED, 0, 500, "boom"));

        assertEquals(1, registry.get("layerswap.swaps").tag("outcome", "succeeded").tag("mode", "atomic").counter().count());
        assertEquals(1, registry.get("layerswap.swaps").tag("outcome", "failed").counter().count());
        assertEquals(2.0, registry.get("layerswap.swap.duration").tag("outcome", "succeeded").timer().totalTime(TimeUnit.MILLISECONDS), 1e-9);
    }

    @Test
    void fetchesCountBySourceAndOutcomeAndOnlySucceededOnesAddBytes() {
        meters.fetchRecorded(new PrefetchRecord(1, A, "fn", FetchPriority.ON_DEMAND, Double.NaN, 0, 10, true, 100, ""));
        meters.fetchRecorded(new PrefetchRecord(2, B, "fn", FetchPriority.PREFETCH, 0.9, 0, 10, true, 1_000, ""));
        meters.fetchRecorded(new PrefetchRecord(3, B, "fn", FetchPriority.PREFETCH, 0.9, 0, 10, false, 7, "refused"));

        assertEquals(1, registry.get("layerswap.fetches").tag("source", "on_demand").tag("outcome", "succeeded").counter().count());
        assertEquals(1, registry.get("layerswap.fetches").tag("source", "prefetch").tag("outcome", "failed").counter().count());
        assertEquals(100, registry.get("layerswap.fetched").tag("source", "on_demand").counter().count());
        assertEquals(1_000, registry.get("layerswap.fetched").tag("source", "prefetch").counter().count());
        assertEquals(1, registry.get("layerswap.critical.path.fetches").counter().count());
        assertEquals(1, ledger.pending(), "the succeeded prefetch waits in the ledger to be used or wasted");
    }
}
