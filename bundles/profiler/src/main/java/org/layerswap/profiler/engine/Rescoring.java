package org.layerswap.profiler.engine;

import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * When the engine recomputes every layer score, split from {@link ProfilerEngine}:
 * <ul>
 *   <li>on a change that moves every score ({@link #rescoreLocked}: settings, predictor, function-layer map, restored
 *   snapshot, or an explicit {@code rescore(now)});</li>
 *   <li>on a score read ({@link #read}) when the last full rescore is at least {@code autoRescoreMillis} old
 *   (0: never), as of the engine's now, since scores decay with time even without events.</li>
 * </ul>
 * A rescore that changed scores marks them for the listeners ({@link ScoreNotifier#markedDirty}); the delivery is
 * scheduled by the caller after it unlocks, and for a read by {@link #read} itself, never under the lock.
 *
 * <p>Invariants: {@link #rescoreLocked} runs under the engine lock, {@link #read} takes it; {@code lastRescore} is the
 * time of the last full rescore ({@link Long#MIN_VALUE} before any); {@code deliveryPendingFromRead} is set only under
 * the lock by a read's rescore and cleared by the read that then schedules the delivery.
 */
final class Rescoring {

    private final Object lock;
    private final LayerScores scores;
    private final ScoreNotifier notifier;
    private final LongSupplier autoRescoreMillis;
    private final LongSupplier nowLocked;
    private long lastRescore = Long.MIN_VALUE;
    /** A read's automatic rescore changed scores: the read schedules the delivery after unlocking. */
    private boolean deliveryPendingFromRead;

    /**
     * @param autoRescoreMillis the settings' {@code autoRescoreMillis} now
     * @param nowLocked         the engine's scoring clock, read under the lock
     */
    Rescoring(Object lock, LayerScores scores, ScoreNotifier notifier, LongSupplier autoRescoreMillis,
              LongSupplier nowLocked) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.scores = Objects.requireNonNull(scores, "scores");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.autoRescoreMillis = Objects.requireNonNull(autoRescoreMillis, "autoRescoreMillis");
        this.nowLocked = Objects.requireNonNull(nowLocked, "nowLocked");
    }

    /** Every score as of {@code now} (under the lock); true when the caller must schedule a delivery once unlocked. */
    boolean rescoreLocked(long now) {
        lastRescore = now;
        return scores.rescoreAll(now) && notifier.markedDirty();
    }

    /** {@code read} under the lock, after a full rescore when the last one is too old; then the delivery, unlocked. */
    <T> T read(Supplier<T> read) {
        T out;
        synchronized (lock) {
            maybeRescoreLocked();
            out = read.get();
        }
        boolean schedule;
        synchronized (lock) {
            schedule = deliveryPendingFromRead;
            deliveryPendingFromRead = false;
        }
        notifier.deliverLater(schedule);
        return out;
    }

    private void maybeRescoreLocked() {
        long every = autoRescoreMillis.getAsLong();
        if (every > 0) {
            long now = nowLocked.getAsLong();
            if (lastRescore == Long.MIN_VALUE || now - lastRescore >= every) {
                if (rescoreLocked(now)) {
                    deliveryPendingFromRead = true;
                }
            }
        }
    }
}
