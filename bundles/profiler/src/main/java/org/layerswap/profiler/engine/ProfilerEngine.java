package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongToDoubleFunction;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.NextUse;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.api.ScoreListener;
import org.layerswap.nextuse.NextUseModel;

/**
 * The behavioral profiler's core: plain Java, no OSGi types, so the DS component, the replay evaluator,
 * unit tests and benchmarks all run this same code. It owns the lock and the profiles and orchestrates
 * its collaborators, each of which is only ever called under that lock:
 * {@link FunctionStats} per function (arrival model, co-occurrence row, {@link ParameterModel}, snapshot
 * form); {@link CoOccurrenceIndex} ("B follows A within the co-occurrence window": scaled decay, follow
 * probabilities, row admission, recency list); {@link LayerScores} (per layer the noisy-or of its
 * functions' probabilities, and the reads); {@link ScoreNotifier} (coalesced listener deliveries);
 * {@link EngineProfileView} (what predictors read) and {@link LockedProfileView} ({@link #profiles()});
 * {@link Predictions} (the active predictor, guarded, with the built-in probability and next-use answers);
 * {@link Rescoring} (full rescores, and the automatic one on a read).
 *
 * <p><b>Scores.</b> The active {@link Predictor} turns the view into {@code p_f}, the probability that
 * function f runs within the window; a layer's score is {@code 1 - prod_f (1 - p_f * w_fl)} over the
 * functions using it. On each event only the invoked function and its followers are rescored. Scores are
 * as of the moment they were computed; {@link #rescore(long)} recomputes everything as of a given time
 * (decay), and reads do so automatically when the last full rescore is older than
 * {@link ProfilerSettings#autoRescoreMillis()} ({@link Rescoring}).
 *
 * <p><b>Time.</b> Profile updates use event timestamps. "Now" for scoring comes from the settings'
 * clock, or, when it is null, from the latest event timestamp (replays never read the wall clock).
 *
 * <p><b>Threads.</b> All state is guarded by one lock; the predictor is called under it. Listeners are
 * notified through the {@code notifier} executor, outside the lock, coalesced ({@link ScoreNotifier}).
 *
 * <p><b>Hostile ingest.</b> Far-future events are ignored ({@link FutureEventGuard}), unmapped functions
 * capped ({@link FunctionEviction}), snapshots cleaned before a restore ({@link SnapshotSanitiser}).
 *
 * <p>The class is the lock owner and the wiring of its collaborators (each small and tested on its own:
 * co-occurrence, layer scores, predictions, rescoring, the ingest guards); what is left here is the order of
 * their calls under the lock (the ingest path, restore) and the api methods that read them under it.
 *
 * <p><b>Predictor swap.</b> {@link #setPredictor(Predictor)} replaces the predictor under the lock
 * (between two events, never during one) and rescores everything; profiles are untouched.
 */
public final class ProfilerEngine implements BehavioralProfiler {

    /** A follower is rescored on its predecessor's event when P(follow) exceeds its own odds by this much. */
    static final double MIN_LIFT = 0.05;

    private final Object lock = new Object();
    private final HashMap<String, FunctionStats> stats = new HashMap<>();
    private final CoOccurrenceIndex coOccurrence;
    private final ScoreNotifier notifier;
    private final LayerScores layerScores;
    private final EngineProfileView view;
    /** The active predictor, guarded, and the built-in probability and next-use answers (issue 13). */
    private final Predictions predictions;
    private final LockedProfileView lockedView;
    private final Rescoring rescoring;
    private final FutureEventGuard futureEvents = new FutureEventGuard(System::nanoTime);
    private final FunctionEviction eviction;
    private volatile ProfilerSettings settings;
    private long latestEvent = -1;
    private InvocationEvent lastEvent;
    private long eventsRecorded;
    private long eventsBase;

    /**
     * @param settings  tuning (see {@link ProfilerSettings#defaults()})
     * @param predictor the initial predictor, or null for the built-in Poisson estimate
     * @param notifier  runs listener deliveries: a single background thread live, {@code Runnable::run}
     *                  to deliver synchronously right after the triggering call (tests, replays)
     */
    public ProfilerEngine(ProfilerSettings settings, Predictor predictor, Executor notifier) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.coOccurrence = new CoOccurrenceIndex(stats, settings.decayHalfLifeMillis());
        this.notifier = new ScoreNotifier(lock, notifier, this::layerDelivered, settings.notifyThreshold());
        this.layerScores = new LayerScores(this.notifier, this::predict);
        this.view = new EngineProfileView(stats, coOccurrence, this::settings, this::nowLocked, () -> lastEvent);
        this.predictions = new Predictions(view, predictor);
        this.lockedView = new LockedProfileView(lock, view);
        this.rescoring = new Rescoring(lock, layerScores, this.notifier, () -> this.settings.autoRescoreMillis(),
                this::nowLocked);
        this.eviction = new FunctionEviction(stats, coOccurrence, layerScores);
    }

    /** Synchronous delivery and event time: the configuration a replay wants. */
    public ProfilerEngine(ProfilerSettings settings, Predictor predictor) {
        this(settings, predictor, Runnable::run);
    }

    // ------------------------------------------------------------------ configuration

    public ProfilerSettings settings() {
        return settings;
    }

    /**
     * Replaces the settings (window, co-occurrence window, half-lives, ...) keeping every profile, then
     * rescores. A new co-occurrence half-life applies to counts from now on.
     */
    public void reconfigure(ProfilerSettings newSettings) {
        Objects.requireNonNull(newSettings, "settings");
        boolean schedule;
        synchronized (lock) {
            coOccurrence.changeHalfLife(nowLocked(), newSettings.decayHalfLifeMillis());
            this.settings = newSettings;
            notifier.setThreshold(newSettings.notifyThreshold());
            double tau = newSettings.rateHalfLifeMillis() / Math.log(2);
            for (FunctionStats f : stats.values()) {
                f.rateTauMillis = tau;
            }
            eviction.trimTo(newSettings.maxTrackedFunctions());
            schedule = rescoring.rescoreLocked(now());
        }
        notifier.deliverLater(schedule);
    }

    /**
     * Makes {@code next} the active predictor (null: the built-in Poisson estimate) and rescores every
     * function with it. Events recorded before return were scored by the old one, after by the new one.
     *
     * @return the predictor that was active
     */
    public Predictor setPredictor(Predictor next) {
        Predictor previous;
        boolean schedule;
        synchronized (lock) {
            previous = predictions.use(next);
            schedule = rescoring.rescoreLocked(now());
        }
        notifier.deliverLater(schedule);
        return previous;
    }

    public Predictor predictor() {
        return predictions.active();
    }

    @Override
    public String activePredictor() {
        return predictions.active().name();
    }

    @Override
    public long windowMillis() {
        return settings.windowMillis();
    }

    /** The scoring clock: the settings' clock, or the latest event timestamp (0 before any). */
    public long now() {
        var clock = settings.clock();
        if (clock != null) {
            return clock.getAsLong();
        }
        synchronized (lock) {
            return Math.max(0, latestEvent);
        }
    }

    private long nowLocked() {
        var clock = settings.clock();
        return clock != null ? clock.getAsLong() : Math.max(0, latestEvent);
    }

    // ------------------------------------------------------------------ ingest

    @Override
    public void record(InvocationEvent event) {
        Objects.requireNonNull(event, "event");
        boolean schedule;
        synchronized (lock) {
            schedule = recordLocked(event);
        }
        notifier.deliverLater(schedule);
    }

    /** Records a batch under one lock acquisition (replays, bulk ingest). */
    public void recordAll(Collection<InvocationEvent> events) {
        boolean schedule = false;
        synchronized (lock) {
            for (InvocationEvent e : events) {
                schedule |= recordLocked(e);
            }
        }
        notifier.deliverLater(schedule);
    }

    /**
     * The ingest path, once per event under the lock: learn (profile, co-occurrence, predictor), then
     * rescore the invoked function and the followers this event made likelier. Must stay allocation-free
     * and lock-free beyond the engine lock (about 1 µs per event is the budget).
     */
    private boolean recordLocked(InvocationEvent event) {
        ProfilerSettings s = settings;
        long t = event.timestampMillis();
        if (!futureEvents.admits(event.functionId(), t, FutureEventGuard.reference(s, latestEvent), s.maxFutureSkewMillis())) {
            return false;
        }
        eventsRecorded++;
        if (t > latestEvent) {
            latestEvent = t;
        }
        lastEvent = event;
        FunctionStats f = statsFor(event.functionId());
        boolean inOrder = f.recordInvocation(t);
        f.lastParams = event.params();
        if (inOrder) {
            coOccurrence.onInvocation(f, t, s);
        }
        predictions.observe(f, event); // per-event models learn after the profile, before any scoring reads them
        long now = nowLocked();
        boolean changed = false;
        FunctionScore own = f.score;
        if (own != null) {
            if (f.params != null) {
                layerScores.rebind(own);
            }
            changed |= layerScores.score(own, now);
        }
        if (inOrder) {
            f.baseWithinCoWindow = Estimators.poisson(f.ratePerMinute(), s.coOccurrenceWindowMillis());
        }
        if (f.followCount > 0) {
            // followers whose odds this event changes: following f is likelier than running anyway
            double minLift = Math.max(s.minFollowerProbability(), MIN_LIFT);
            for (int k = 0; k < f.followCount; k++) {
                FunctionStats target = f.followTargets[k];
                if (target.score != null
                        && coOccurrence.followProbability(f, k, t, s) - target.baseWithinCoWindow >= minLift) {
                    changed |= layerScores.score(target.score, now);
                }
            }
        }
        changed |= notifier.markObserved(event.functionId()); // its next use moved, whatever the scores did
        return changed && notifier.markedDirty();
    }

    private FunctionStats statsFor(String id) {
        FunctionStats f = stats.get(id);
        return f != null ? f : eviction.track(id, settings);
    }

    @Override
    public void recordLayerAccess(InvocationEvent event, Collection<LayerId> layersUsed) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(layersUsed, "layersUsed");
        boolean schedule = false;
        synchronized (lock) {
            FunctionStats f = statsFor(event.functionId());
            if (f.params == null) {
                f.params = new ParameterModel();
            }
            f.params.record(event.params(), layersUsed);
            FunctionScore sc = layerScores.nodeOf(f);
            layerScores.rebind(sc);
            if (layerScores.score(sc, nowLocked())) {
                schedule = notifier.markedDirty();
            }
        }
        notifier.deliverLater(schedule);
    }

    @Override
    public Map<LayerId, Double> optionalLayers(String functionId, Map<String, String> params) {
        synchronized (lock) {
            FunctionStats f = stats.get(functionId);
            if (f == null || f.params == null) {
                return Map.of();
            }
            return Collections.unmodifiableMap(f.params.estimate(params == null ? Map.of() : params));
        }
    }

    @Override
    public void updateFunctionLayers(FunctionLayerMap map) {
        Objects.requireNonNull(map, "map");
        boolean schedule;
        synchronized (lock) {
            layerScores.setLayerMap(map, stats);
            eviction.recount(settings.maxTrackedFunctions());
            schedule = rescoring.rescoreLocked(nowLocked());
        }
        notifier.deliverLater(schedule);
    }

    public FunctionLayerMap functionLayers() {
        synchronized (lock) {
            return layerScores.layerMap();
        }
    }

    // ------------------------------------------------------------------ prediction

    /** The active predictor's probability for {@code fn}; the built-in estimate when it fails or answers outside [0,1]. */
    private double predict(String fn, long now) {
        return predictions.probability(fn, now, settings.windowMillis());
    }

    /** Failures of the active predictor so far (each answered by the built-in estimate instead). */
    public long predictorErrors() {
        return predictions.errors();
    }

    public String lastPredictorError() {
        return predictions.lastError();
    }

    public long listenerErrors() {
        return notifier.errors();
    }

    /** Events ignored as stamped too far in the future ({@link FutureEventGuard}). */
    public long futureEventsIgnored() {
        return futureEvents.ignored();
    }

    /** Profiles evicted to keep the unmapped functions within the cap ({@link FunctionEviction}). */
    public long functionsEvicted() {
        return eviction.evicted();
    }

    /** Events recorded, including those recorded before the restored snapshot was taken. */
    public long eventsRecorded() {
        synchronized (lock) {
            return eventsBase + eventsRecorded;
        }
    }

    @Override
    public double functionProbability(String functionId) {
        synchronized (lock) {
            return predict(functionId, nowLocked());
        }
    }

    /** Quantile of the next-use distribution reported as {@link NextUse#earliestMillis()}. */
    public static final double NEXT_USE_EARLIEST_QUANTILE = 0.1;

    /**
     * When {@code functionId} runs next as of {@code nowMillis}: the active predictor's {@link Predictor#nextUse}
     * when it answers (a failure counts as a predictor error), else the built-in {@link NextUseModel}; null when
     * the function was never seen.
     */
    @Override
    public NextUse nextUse(String functionId, long nowMillis) {
        synchronized (lock) {
            return predictions.nextUse(functionId, nowMillis, NEXT_USE_EARLIEST_QUANTILE);
        }
    }

    /** P(next run of {@code functionId} within {@code horizonMillis} of {@code nowMillis}) under the built-in model; NaN when never seen. */
    @Override
    public double nextUseProbability(String functionId, long nowMillis, long horizonMillis) {
        synchronized (lock) {
            return predictions.nextUseProbability(functionId, nowMillis, horizonMillis);
        }
    }

    /** Probability of {@code functionId} as of {@code nowMillis} from the active predictor (no state change). */
    public double functionProbability(String functionId, long nowMillis) {
        synchronized (lock) {
            return predict(functionId, nowMillis);
        }
    }

    // ------------------------------------------------------------------ rescoring and reads

    @Override
    public void rescore(long nowMillis) {
        boolean schedule;
        synchronized (lock) {
            schedule = rescoring.rescoreLocked(nowMillis);
        }
        notifier.deliverLater(schedule);
    }

    @Override
    public Map<LayerId, PredictionScore> scores() {
        return rescoring.read(layerScores::scores);
    }

    @Override
    public List<PredictionScore> topK(int k) {
        return k <= 0 ? List.of() : rescoring.read(() -> layerScores.topK(k));
    }

    @Override
    public Optional<PredictionScore> score(LayerId layer) {
        return rescoring.read(() -> layerScores.score(layer));
    }

    @Override
    public ProfileView profiles() {
        return lockedView;
    }

    // ------------------------------------------------------------------ listeners

    @Override
    public AutoCloseable subscribe(ScoreListener listener) {
        return notifier.subscribe(listener);
    }

    /** Delivers every pending change to the listeners (normally run by the notifier). */
    public void deliver() {
        notifier.deliver();
    }

    private void layerDelivered(LayerState l) {
        layerScores.delivered(l);
    }

    // ------------------------------------------------------------------ snapshot / restore

    /** Everything learned so far, as a storable value. */
    public ProfileSnapshot snapshot() {
        synchronized (lock) {
            long now = nowLocked();
            double scaleNow = coOccurrence.scaleAt(now);
            List<ProfileSnapshot.FunctionState> fns = new ArrayList<>(stats.size());
            for (FunctionStats f : stats.values()) {
                fns.add(f.toState(scaleNow, now));
            }
            return new ProfileSnapshot(ProfileSnapshot.VERSION, now, latestEvent, eventsBase + eventsRecorded, fns);
        }
    }

    /**
     * Replaces every profile with the snapshot's (the function-layer map and the predictor are kept)
     * and rescores. Follower entries naming functions absent from the snapshot are dropped; the snapshot
     * is cleaned first ({@link SnapshotSanitiser}) and the unmapped functions trimmed to the cap.
     */
    public void restore(ProfileSnapshot snapshotAsStored) {
        Objects.requireNonNull(snapshotAsStored, "snapshot");
        boolean schedule;
        synchronized (lock) {
            ProfilerSettings s = settings;
            ProfileSnapshot snapshot = SnapshotSanitiser.sanitise(snapshotAsStored,
                    FutureEventGuard.reference(s, latestEvent), s.maxFutureSkewMillis());
            double tau = s.rateHalfLifeMillis() / Math.log(2);
            layerScores.detachAll();
            stats.clear();
            coOccurrence.reset(Math.max(0, snapshot.latestEventMillis()), s.decayHalfLifeMillis());
            LongToDoubleFunction scaleAt = coOccurrence::scaleAt;
            for (ProfileSnapshot.FunctionState fs : snapshot.functions()) {
                FunctionStats f = FunctionStats.fromState(fs, tau, scaleAt);
                stats.put(f.id, f);
            }
            for (ProfileSnapshot.FunctionState fs : snapshot.functions()) {
                stats.get(fs.functionId()).restoreFollowers(fs.followers(), stats, s.maxFollowers(), scaleAt);
            }
            coOccurrence.rebuildRecency();
            latestEvent = Math.max(latestEvent, snapshot.latestEventMillis());
            eventsBase = snapshot.eventsRecorded() - eventsRecorded;
            layerScores.relink(stats);
            eviction.recount(s.maxTrackedFunctions());
            schedule = rescoring.rescoreLocked(nowLocked());
        }
        notifier.deliverLater(schedule);
    }
}
