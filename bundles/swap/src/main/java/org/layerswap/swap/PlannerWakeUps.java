package org.layerswap.swap;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What wakes the live next-use planner and what each wake-up plans (issue 13), split from {@link NextUsePlanner}:
 * <ul>
 *   <li>the signals, from any thread and each O(1): an invocation ({@link #invoked}, queued in a bounded
 *   {@link InvocationInbox}), runs the profiler recorded ({@link #functionsObserved}), layers whose score moved
 *   ({@link #scoresChanged}: the functions using them), settings changed ({@link #requestFull}); all ignored while
 *   {@code nextUsePlanning} is off;</li>
 *   <li>when the planner thread runs: {@link PlanningTriggers} (a full pass every decision interval, one queued pass
 *   for any number of signals, the one timer armed for the earliest just-in-time start, {@link #wakeAt});</li>
 *   <li>the coalescing: a pass first brings the {@link Planner} up to date and feeds it the queued invocations, then
 *   plans each function invoked, requested or due exactly once; a full pass plans everything instead.</li>
 * </ul>
 * Invariants: the signal methods never plan and never block; everything else runs on the planner thread;
 * {@code toPlan} is empty between passes (but after a failed {@link Planner#refresh} or {@link Planner#observe}, when
 * the marks made so far wait for the next pass); at most {@link #MAX_QUEUED_INVOCATIONS} invocations wait, an
 * invocation beyond that is dropped (counted) and a full pass asked for; while planning is off a pass drops the queued
 * invocations and plans nothing.
 */
final class PlannerWakeUps {

    private static final Logger LOG = LoggerFactory.getLogger(PlannerWakeUps.class);

    /** Invocations waiting for a pass; beyond this an invocation is dropped (counted) and a full pass asked for. */
    static final int MAX_QUEUED_INVOCATIONS = 1 << 16;

    /** The planning a wake-up drives (planner thread; a {@link RuntimeException} is logged and ends the pass). */
    interface Planner {
        /** Brings the planner's view (indexes, residency, time) up to date; first in every pass. */
        void refresh(SwapSettings s);

        /** The dense index of a defined function, or -1 (not defined yet: nothing to plan). */
        int functionIndex(String functionId);

        /** Learns one queued invocation of function {@code f} (in arrival order, after {@link #refresh}). */
        void observe(int f, InvocationInbox.Invoked i, SwapSettings s);

        /** Plans every function (after the invocations were observed). */
        void full(SwapSettings s);

        /** Plans function {@code f} only (between full passes). */
        void plan(int f, SwapSettings s);
    }

    private final Supplier<SwapSettings> settings;
    private final LongSupplier clock;
    private final Supplier<FunctionLayerMap> functions;
    private final Planner planner;
    private final InvocationInbox inbox = new InvocationInbox(MAX_QUEUED_INVOCATIONS);
    private final PlanningTriggers triggers;
    /** Planner thread: the functions this pass plans. */
    private final BitSet toPlan = new BitSet();

    /** @param functions the functions and their layers now (the catalog's map), for {@link #scoresChanged} */
    PlannerWakeUps(Supplier<SwapSettings> settings, LongSupplier clockMillis, Supplier<FunctionLayerMap> functions,
                   PlanningTriggers.PlannerThread thread, Planner planner) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clockMillis, "clock");
        this.functions = Objects.requireNonNull(functions, "functions");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.triggers = new PlanningTriggers(clock, thread, () -> this.settings.get().decisionIntervalMillis(),
                new Passes());
    }

    /** Starts the passes: a full one now, then the cadence. */
    void start() {
        triggers.start();
    }

    /** No pass runs after this. */
    void stop() {
        triggers.stop();
    }

    /** A full pass soon (settings changed); any thread. */
    void requestFull() {
        triggers.requestFull();
    }

    /**
     * The invocation path: remember the run for the planner thread and wake it (an O(1) enqueue, no planning here).
     * {@code optional}: the profiler's data-layer probabilities for its parameters; {@code selectedLayers}: the data
     * layers its parameters selected.
     */
    void invoked(String functionId, Map<LayerId, Double> optional, List<LayerId> selectedLayers) {
        if (!settings.get().nextUsePlanning()) {
            return;
        }
        if (inbox.offer(new InvocationInbox.Invoked(functionId, clock.getAsLong(), optional, selectedLayers))) {
            triggers.wakeNow();
        } else {
            triggers.requestFull();
        }
    }

    /** The profiler recorded runs of these functions: their next use moved, plan them now (any thread, O(1) each). */
    void functionsObserved(Set<String> observed) {
        if (settings.get().nextUsePlanning()) {
            observed.forEach(triggers::request);
        }
    }

    /** Scores of these layers moved: plan the functions using them now (the profiler's delivery thread). */
    void scoresChanged(List<PredictionScore> changed) {
        if (settings.get().nextUsePlanning()) {
            FunctionLayerMap m = functions.get();
            for (PredictionScore p : changed) {
                m.functionsUsing(p.layerId()).forEach(triggers::request);
            }
        }
    }

    /** From a pass: plan function {@code f} again at {@code atMillis} (see {@link PlanningTriggers#wakeAt}). */
    void wakeAt(int f, long atMillis, long nowMillis) {
        triggers.wakeAt(f, atMillis, nowMillis);
    }

    /** A full pass right here (planner thread; tests call it directly). */
    void full() {
        SwapSettings s = settings.get();
        if (!prepare(s)) {
            return;
        }
        toPlan.clear(); // the full pass plans every function
        try {
            planner.full(s);
        } catch (RuntimeException e) {
            LOG.warn("next-use planning failed: {}", e.toString());
        }
    }

    /** Invocations waiting for the next pass (at most {@link #MAX_QUEUED_INVOCATIONS}). */
    int queuedInvocations() {
        return inbox.queued();
    }

    /** Invocations whose feedback was dropped because the queue was full. */
    long droppedInvocations() {
        return inbox.dropped();
    }

    /** The wake-ups' timer and pass counts. */
    PlanningTriggers triggers() {
        return triggers;
    }

    /** Learns what happened since the last pass (marks the functions invoked in {@code toPlan}); false when off. */
    private boolean prepare(SwapSettings s) {
        if (!s.nextUsePlanning()) {
            inbox.clear();
            return false;
        }
        try {
            planner.refresh(s);
            for (InvocationInbox.Invoked i; (i = inbox.poll()) != null; ) {
                int f = planner.functionIndex(i.functionId());
                if (f >= 0) {
                    toPlan.set(f);
                    planner.observe(f, i, s);
                }
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("next-use planning failed: {}", e.toString());
            return false;
        }
    }

    private final class Passes implements PlanningTriggers.Pass {
        @Override
        public void full() {
            PlannerWakeUps.this.full();
        }

        @Override
        public void functions(Set<String> requested, int[] due, int dueCount) {
            SwapSettings s = settings.get();
            if (!prepare(s)) {
                return;
            }
            try {
                for (String fn : requested) {
                    int f = planner.functionIndex(fn);
                    if (f >= 0) {
                        toPlan.set(f);
                    }
                }
                for (int i = 0; i < dueCount; i++) {
                    toPlan.set(due[i]);
                }
                for (int f = toPlan.nextSetBit(0); f >= 0; f = toPlan.nextSetBit(f + 1)) {
                    planner.plan(f, s);
                }
            } catch (RuntimeException e) {
                LOG.warn("next-use planning failed: {}", e.toString());
            } finally {
                toPlan.clear();
            }
        }
    }
}
