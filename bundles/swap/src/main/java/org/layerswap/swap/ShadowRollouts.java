package org.layerswap.swap;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.InvocationOutcome;
import org.layerswap.api.InvocationPlan;
import org.layerswap.api.LayerId;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running shadow rollouts, at most one per function: which invocations run on the candidate root
 * ({@link #pick}), the outcomes fed to each {@link ShadowExperiment}, and the end of a rollout (promotion through
 * the {@link Promoter}, or roll back), after which the shadow root {@code fn#shadow} is removed and its pins are
 * released {@value #SHADOW_PIN_RELEASE_DELAY_SECONDS} s later (its last invocations may still run on it).
 *
 * <p>Invariants: a rollout ends exactly once (the first decision removes it, under the function's lock); the
 * rollout's SHADOW record is written again with its final outcome and the same record id.
 */
final class ShadowRollouts {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowRollouts.class);
    static final long SHADOW_PIN_RELEASE_DELAY_SECONDS = 60;

    /** Makes the candidate the function's layers (an atomic swap recorded with {@code note}). */
    @FunctionalInterface
    interface Promoter {
        SwapRecord promote(String fn, List<LayerId> candidate, String note);
    }

    private final ConcurrentHashMap<String, ShadowExperiment> running = new ConcurrentHashMap<>();
    private final RootComposer roots;
    private final BoundedHistory<SwapRecord> history;
    private final Executor composer;
    private final Promoter promoter;
    private final long extraPinDelayNanos;

    ShadowRollouts(RootComposer roots, BoundedHistory<SwapRecord> history, Executor composer, Promoter promoter,
                   long pinReleaseDelayNanos) {
        this.roots = Objects.requireNonNull(roots, "roots");
        this.history = Objects.requireNonNull(history, "history");
        this.composer = Objects.requireNonNull(composer, "composer");
        this.promoter = Objects.requireNonNull(promoter, "promoter");
        this.extraPinDelayNanos = Math.max(0, TimeUnit.SECONDS.toNanos(SHADOW_PIN_RELEASE_DELAY_SECONDS) - pinReleaseDelayNanos);
    }

    static String shadowKey(String fn) {
        return fn + SwapManagerCore.SHADOW_SUFFIX;
    }

    boolean isRunning(String fn) {
        return running.containsKey(fn);
    }

    ShadowExperiment get(String fn) {
        return running.get(fn);
    }

    /** Starts {@code sh} for {@code fn} (its candidate root is committed already). */
    void start(String fn, ShadowExperiment sh) {
        running.put(fn, sh);
    }

    /** The stack invocation {@code n} of {@code fn} runs on: the candidate when the rollout picks it, else {@code layers}. */
    List<LayerId> pick(String fn, long n, List<LayerId> layers) {
        if (running.isEmpty()) {
            return layers;
        }
        ShadowExperiment sh = running.get(fn);
        return sh != null && sh.assignCandidate(n) ? sh.candidate() : layers;
    }

    /** Pins the shadow candidate root when {@code layers} is the running rollout's candidate; null otherwise or when it ended. */
    RootLease enterCandidate(String fn, List<LayerId> layers) {
        ShadowExperiment sh = running.get(fn);
        if (sh == null || !layers.equals(sh.candidate())) {
            return null;
        }
        FilesystemBackend b = roots.composedOn(shadowKey(fn));
        try {
            return b == null ? null : b.enter(shadowKey(fn));
        } catch (IOException e) {
            return null; // the rollout was decided meanwhile: run on the main root
        }
    }

    /** Feeds an outcome to the rollout of its function; a decision ends the rollout on the composer thread. */
    void recordOutcome(InvocationPlan plan, InvocationOutcome outcome) {
        ShadowExperiment sh = running.get(plan.functionId());
        if (sh == null) {
            return;
        }
        boolean onCandidate = plan.layers().equals(sh.candidate());
        if (!onCandidate && !plan.layers().equals(sh.current())) {
            return; // ran on neither arm (e.g. a variant root with data layers)
        }
        ShadowExperiment.Decision d = sh.record(onCandidate, outcome.totalMicros(), outcome.error());
        if (d != ShadowExperiment.Decision.PENDING) {
            composer.execute(() -> finish(plan.functionId(), sh, d));
        }
    }

    /** Ends the rollout {@code sh} of {@code fn} with decision {@code d} (no-op when it ended already). */
    void finish(String fn, ShadowExperiment sh, ShadowExperiment.Decision d) {
        synchronized (roots.lock(fn)) {
            if (!running.remove(fn, sh)) {
                return;
            }
            String key = shadowKey(fn);
            RootComposer.Root shadowRoot = roots.forget(key);
            SwapOutcome outcome = d == ShadowExperiment.Decision.PROMOTE ? SwapOutcome.PROMOTED : SwapOutcome.ROLLED_BACK;
            String detail = sh.summary();
            if (outcome == SwapOutcome.PROMOTED) {
                SwapRecord r = promoter.promote(fn, sh.candidate(), "promotion of shadow swap " + sh.recordId());
                if (r.outcome() == SwapOutcome.FAILED) {
                    outcome = SwapOutcome.FAILED;
                    detail = "promotion failed: " + r.detail() + "; " + detail;
                }
            }
            roots.remove(fn, key, shadowRoot, extraPinDelayNanos); // drained: torn down when its last invocation ends
            history.add(new SwapRecord(sh.recordId(), fn, sh.current(), sh.candidate(), SwapMode.SHADOW, outcome,
                    sh.startedMillis(), (System.nanoTime() - sh.startedNanos()) / 1000, detail));
            LOG.info("shadow rollout of {} {}: {}", fn, outcome, detail);
        }
    }
}
