package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.api.ScoreListener;

/**
 * The behavioral profiler's core: plain Java, no OSGi types, so the DS component, the replay evaluator,
 * unit tests and benchmarks all run this same code.
 *
 * <p><b>Model.</b> Per function: a {@link FunctionStats} (idle-time histogram, decayed rate, per-minute
 * counts, hour-of-day profile). Across functions: a co-occurrence model, "B follows A within the
 * co-occurrence window", as decayed counts per (A,B) over decayed counts of A's invocations. Per
 * function with observed layer access: a {@link ParameterModel}.
 *
 * <p><b>Scores.</b> The active {@link Predictor} turns the view into {@code p_f}, the probability that
 * function f runs within the window; a layer's score is {@code 1 - prod_f (1 - p_f * w_fl)} over the
 * functions using it ({@code w = 1} for the function's own stack, the parameter model's estimate for
 * optional layers), kept as a sum of logs so that one function's change updates the layer in O(1).
 * On each event only the invoked function and its followers are rescored. Scores are as of the
 * moment they were computed; {@link #rescore(long)} recomputes everything as of a given time (decay),
 * and reads do so automatically when the last full rescore is older than
 * {@link ProfilerSettings#autoRescoreMillis()}.
 *
 * <p><b>Time.</b> Profile updates use event timestamps. "Now" for scoring comes from the settings'
 * clock, or, when it is null, from the latest event timestamp (replays never read the wall clock).
 *
 * <p><b>Threads.</b> All state is guarded by one lock; the predictor is called under it. Listeners are
 * notified through the {@code notifier} executor, outside the lock, with changes coalesced: at most one
 * delivery is pending at a time and it carries every layer that moved by at least
 * {@link ProfilerSettings#notifyThreshold()} since its last notification.
 *
 * <p><b>Predictor swap.</b> {@link #setPredictor(Predictor)} replaces the predictor under the lock
 * (between two events, never during one) and rescores everything; profiles are untouched.
 */
public final class ProfilerEngine implements BehavioralProfiler {

    private static final double MAX_CONTRIBUTION = 1.0 - 1e-12;
    /** A follower is rescored on its predecessor's event when P(follow) exceeds its own odds by this much. */
    static final double MIN_LIFT = 0.05;

    private final Object lock = new Object();
    private volatile ProfilerSettings settings;
    private final Executor notifier;
    private final Predictor fallback = new PoissonPredictor();
    private volatile Predictor predictor;

    private final HashMap<String, FunctionStats> stats = new HashMap<>();
    private final HashMap<String, FunctionScore> scoring = new HashMap<>();
    private final HashMap<LayerId, LayerState> layers = new HashMap<>();
    private FunctionLayerMap layerMap = FunctionLayerMap.empty();
    /** Recency list: functions ordered by last invocation, most recent first. */
    private FunctionStats recentHead;
    private FunctionStats recentTail;

    private long latestEvent = -1;
    private long lastRescore = Long.MIN_VALUE;
    private InvocationEvent lastEvent;
    private long eventsRecorded;
    private long eventsBase;

    private final CopyOnWriteArrayList<ScoreListener> listeners = new CopyOnWriteArrayList<>();
    private final ArrayList<LayerState> dirty = new ArrayList<>();
    private boolean deliveryPending;
    private final AtomicLong predictorErrors = new AtomicLong();
    private final AtomicLong listenerErrors = new AtomicLong();
    private volatile String lastPredictorError = "";

    private final InternalView view = new InternalView();
    private final ProfileView lockedView = new LockedView();

    /**
     * @param settings  tuning (see {@link ProfilerSettings#defaults()})
     * @param predictor the initial predictor, or null for the built-in Poisson estimate
     * @param notifier  runs listener deliveries: a single background thread live, {@code Runnable::run}
     *                  to deliver synchronously right after the triggering call (tests, replays)
     */
    public ProfilerEngine(ProfilerSettings settings, Predictor predictor, Executor notifier) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.predictor = predictor == null ? fallback : predictor;
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
            long now = nowLocked();
            renormalise(now); // stored values now equal actual values as of now...
            this.settings = newSettings;
            ln2OverHalfLife = Math.log(2) / newSettings.decayHalfLifeMillis(); // ...and decay with the new half-life
            double tau = newSettings.rateHalfLifeMillis() / Math.log(2);
            for (FunctionStats f : stats.values()) {
                f.rateTauMillis = tau;
            }
            schedule = rescoreLocked(now());
        }
        deliverLater(schedule);
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
            previous = predictor;
            predictor = next == null ? fallback : next;
            schedule = rescoreLocked(now());
        }
        deliverLater(schedule);
        return previous;
    }

    public Predictor predictor() {
        return predictor;
    }

    @Override
    public String activePredictor() {
        return predictor.name();
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
        deliverLater(schedule);
    }

    /** Records a batch under one lock acquisition (replays, bulk ingest). */
    public void recordAll(Collection<InvocationEvent> events) {
        boolean schedule = false;
        synchronized (lock) {
            for (InvocationEvent e : events) {
                schedule |= recordLocked(e);
            }
        }
        deliverLater(schedule);
    }

    private boolean recordLocked(InvocationEvent event) {
        ProfilerSettings s = settings;
        long t = event.timestampMillis();
        eventsRecorded++;
        if (t > latestEvent) {
            latestEvent = t;
        }
        lastEvent = event;
        FunctionStats f = statsFor(event.functionId());
        long previousLast = f.last;
        boolean inOrder = f.recordInvocation(t);
        f.lastParams = event.params();
        if (inOrder) {
            double sc = scale(t);
            creditPredecessors(f, t, sc, s);
            f.triggerScaled += sc;
            f.lastScale = sc;
            if (previousLast < 0 || t >= previousLast) {
                touchRecent(f);
            }
        }
        Predictor p = predictor;
        try {
            p.observe(event, view);
        } catch (RuntimeException e) {
            predictorError(p, e);
        }
        long now = nowLocked();
        boolean changed = false;
        FunctionScore own = f.score;
        if (own != null) {
            if (f.params != null) {
                rebind(own);
            }
            changed |= scoreFunction(own, now);
        }
        if (inOrder) {
            f.baseWithinCoWindow = Estimators.poisson(f.ratePerMinute(), s.coOccurrenceWindowMillis());
        }
        if (f.followCount > 0) {
            // followers whose odds this event changes: following f is likelier than running anyway
            double min = s.minFollowerProbability();
            for (int k = 0; k < f.followCount; k++) {
                FunctionStats target = f.followTargets[k];
                if (target.score != null
                        && followProbability(f, k, t, s) - target.baseWithinCoWindow >= Math.max(min, MIN_LIFT)) {
                    changed |= scoreFunction(target.score, now);
                }
            }
        }
        return changed && markedDirty();
    }

    private FunctionStats statsFor(String id) {
        FunctionStats f = stats.get(id);
        if (f == null) {
            f = new FunctionStats(id, settings.rateHalfLifeMillis() / Math.log(2));
            stats.put(id, f);
            FunctionScore sc = scoring.get(id);
            if (sc != null) {
                sc.stats = f;
                f.score = sc;
            }
        }
        return f;
    }

    /**
     * Co-occurrence counts decay with the half-life H without touching every entry: a count added at
     * time t is stored multiplied by scale(t) = 2^((t - scaleRef)/H), so all stored values share one
     * scale and ratios, comparisons and sums need no decay at all; the actual value at time x is
     * stored / scale(x). When the scale grows huge everything is renormalised (every ~160 half-lives).
     */
    private double scale(long t) {
        double sc = Math.exp((t - scaleRef) * ln2OverHalfLife);
        if (sc > 1e150) {
            renormalise(t);
            sc = 1.0;
        }
        return sc;
    }

    private double scaleRef;
    private double ln2OverHalfLife = Math.log(2) / ProfilerSettings.defaults().decayHalfLifeMillis();

    /** Re-expresses every stored co-occurrence value relative to {@code t} (and the current half-life). */
    private void renormalise(long t) {
        double factor = Math.exp(-(t - scaleRef) * ln2OverHalfLife);
        for (FunctionStats f : stats.values()) {
            f.triggerScaled *= factor;
            f.lastScale *= factor;
            for (int k = 0; k < f.followCount; k++) {
                f.followValues[k] *= factor;
            }
        }
        scaleRef = t;
    }

    /**
     * P(target follows one invocation of owner within the window): decayed credited follows over decayed
     * invocations of owner, not counting owner's latest invocation while it is still open (within the
     * window and not yet followed by target), which would otherwise bias the estimate low right after
     * every invocation, exactly when it matters. Both terms share the global scale: no decay needed.
     */
    private double followProbability(FunctionStats owner, int k, long now, ProfilerSettings s) {
        double den = owner.triggerScaled;
        if (owner.followCredited[k] != owner.last && now - owner.last < s.coOccurrenceWindowMillis()) {
            den -= owner.lastScale;
        }
        if (den <= 0) {
            return 0;
        }
        double p = owner.followValues[k] / den;
        return p < 1.0 ? p : 1.0;
    }

    /** Credits "f follows g" for every g invoked within the co-occurrence window before {@code t}. */
    private void creditPredecessors(FunctionStats f, long t, double sc, ProfilerSettings s) {
        long since = t - s.coOccurrenceWindowMillis();
        int scanned = 0;
        int max = s.maxFollowers();
        for (FunctionStats g = recentHead; g != null && scanned < s.maxRecentScan(); g = g.older) {
            if (g == f) {
                continue;
            }
            if (g.last < since) {
                break;
            }
            scanned++;
            int k = g.followerIndex(f);
            if (k < 0) {
                if (g.followCount >= max && !admitIntoFullRow(g, sc)) {
                    continue;
                }
                k = g.addFollower(f, max);
                f.inRows++;
            }
            if (g.followCredited[k] != g.last) {
                g.followValues[k] += sc;
                g.followCredited[k] = g.last;
            }
        }
    }

    /**
     * A newcomer may take a full row's weakest slot with probability 1/(1 + weakest's decayed count):
     * a real follower, credited on every invocation of g, gets in after a few tries, while passers-by in
     * a busy system do not evict each other on every event (the index churn that would cost most of
     * the ingest time). Deterministic (seeded xorshift), so replays are reproducible.
     */
    private boolean admitIntoFullRow(FunctionStats g, double sc) {
        double[] v = g.followValues;
        int weakest = 0;
        for (int k = 1, n = g.followCount; k < n; k++) {
            if (v[k] < v[weakest]) {
                weakest = k;
            }
        }
        double weakestCount = v[weakest] / sc;
        long x = admission;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        admission = x;
        double u = (x >>> 11) * 0x1.0p-53;
        if (u * (1.0 + weakestCount) >= 1.0) {
            return false;
        }
        g.removeFollower(weakest).inRows--;
        return true;
    }

    private long admission = 0x9E3779B97F4A7C15L;

    private void touchRecent(FunctionStats f) {
        if (recentHead == f) {
            return;
        }
        if (f.inRecency) {
            // unlink
            if (f.newer != null) {
                f.newer.older = f.older;
            }
            if (f.older != null) {
                f.older.newer = f.newer;
            }
            if (recentTail == f) {
                recentTail = f.newer;
            }
        }
        f.newer = null;
        f.older = recentHead;
        if (recentHead != null) {
            recentHead.newer = f;
        }
        recentHead = f;
        if (recentTail == null) {
            recentTail = f;
        }
        f.inRecency = true;
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
            FunctionScore sc = scoringFor(f);
            rebind(sc);
            if (scoreFunction(sc, nowLocked())) {
                schedule = markedDirty();
            }
        }
        deliverLater(schedule);
    }

    private FunctionScore scoringFor(FunctionStats f) {
        FunctionScore sc = f.score;
        if (sc == null) {
            sc = new FunctionScore(f.id);
            sc.stats = f;
            f.score = sc;
            scoring.put(f.id, sc);
        }
        return sc;
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
            layerMap = map;
            // drop scoring nodes of functions that have neither a stack nor a parameter model
            for (Iterator<FunctionScore> it = scoring.values().iterator(); it.hasNext(); ) {
                FunctionScore sc = it.next();
                if (!map.contains(sc.id) && (sc.stats == null || sc.stats.params == null)) {
                    if (sc.stats != null) {
                        sc.stats.score = null;
                    }
                    unbind(sc);
                    it.remove();
                }
            }
            for (String fn : map.functions()) {
                FunctionScore sc = scoring.get(fn);
                if (sc == null) {
                    sc = new FunctionScore(fn);
                    FunctionStats f = stats.get(fn);
                    if (f != null) {
                        sc.stats = f;
                        f.score = sc;
                    }
                    scoring.put(fn, sc);
                }
            }
            for (FunctionScore sc : scoring.values()) {
                bindLayers(sc, false);
            }
            schedule = rescoreLocked(nowLocked());
        }
        deliverLater(schedule);
    }

    /** Re-derives a function's layers and weights (stack, then optional layers from its last params). */
    private void rebind(FunctionScore sc) {
        bindLayers(sc, true);
    }

    /** Removes a function's contributions from its layers. */
    private void unbind(FunctionScore sc) {
        for (int i = 0; i < sc.layers.length; i++) {
            LayerState l = sc.layers[i];
            l.logSum -= sc.applied[i];
            l.refs--;
            l.refresh(l.time);
            markChanged(l);
        }
        sc.layers = FunctionScore.NO_LAYERS;
        sc.weights = FunctionScore.NO_DOUBLES;
        sc.applied = FunctionScore.NO_DOUBLES;
    }

    private void bindLayers(FunctionScore sc, boolean keepProbability) {
        unbind(sc);
        List<LayerId> stack = layerMap.layersOf(sc.id);
        Map<LayerId, Double> optional = sc.stats != null && sc.stats.params != null
                ? sc.stats.params.estimate(sc.stats.lastParams) : Map.of();
        int n = stack.size();
        for (LayerId l : optional.keySet()) {
            if (!stack.contains(l)) {
                n++;
            }
        }
        LayerState[] ls = new LayerState[n];
        double[] w = new double[n];
        int i = 0;
        for (LayerId l : stack) {
            ls[i] = layerState(l);
            w[i++] = 1.0;
        }
        for (Map.Entry<LayerId, Double> e : optional.entrySet()) {
            if (!stack.contains(e.getKey())) {
                ls[i] = layerState(e.getKey());
                w[i++] = e.getValue();
            }
        }
        sc.layers = ls;
        sc.weights = w;
        sc.applied = new double[n];
        sc.baseCount = stack.size();
        for (LayerState l : ls) {
            l.refs++;
        }
        if (keepProbability && sc.probTime >= 0) {
            applyProbability(sc, sc.prob, sc.probTime);
        }
    }

    private LayerState layerState(LayerId id) {
        LayerState l = layers.get(id);
        if (l == null) {
            l = new LayerState(id);
            layers.put(id, l);
        }
        return l;
    }

    /** Recomputes one function's probability and applies it to its layers; true when a layer changed. */
    private boolean scoreFunction(FunctionScore sc, long now) {
        double p = predict(sc.id, now);
        return applyProbability(sc, p, now);
    }

    private boolean applyProbability(FunctionScore sc, double p, long now) {
        sc.prob = p;
        sc.probTime = now;
        boolean changed = false;
        LayerState[] ls = sc.layers;
        for (int i = 0; i < ls.length; i++) {
            double c = Math.log1p(-Math.min(p * sc.weights[i], MAX_CONTRIBUTION));
            double d = c - sc.applied[i];
            LayerState l = ls[i];
            if (d != 0) {
                l.logSum += d;
                sc.applied[i] = c;
            }
            l.refresh(now);
            changed |= markChanged(l);
        }
        return changed;
    }

    private boolean markChanged(LayerState l) {
        if (!l.dirty && !listeners.isEmpty() && Math.abs(l.score - l.notified) >= settings.notifyThreshold()) {
            l.dirty = true;
            dirty.add(l);
            return true;
        }
        return false;
    }

    private double predict(String fn, long now) {
        Predictor p = predictor;
        try {
            double v = p.probability(view, fn, now, settings.windowMillis());
            if (v >= 0 && v <= 1) {
                return v;
            }
            predictorError(p, new IllegalStateException("probability " + v + " for " + fn + " is not in [0,1]"));
        } catch (RuntimeException e) {
            predictorError(p, e);
        }
        return fallback.probability(view, fn, now, settings.windowMillis());
    }

    private void predictorError(Predictor p, RuntimeException e) {
        predictorErrors.incrementAndGet();
        lastPredictorError = p.name() + ": " + e;
    }

    /** Failures of the active predictor so far (each answered by the built-in estimate instead). */
    public long predictorErrors() {
        return predictorErrors.get();
    }

    public String lastPredictorError() {
        return lastPredictorError;
    }

    public long listenerErrors() {
        return listenerErrors.get();
    }

    /** Events recorded, including those recorded before the restored snapshot was taken. */
    public long eventsRecorded() {
        synchronized (lock) {
            return eventsBase + eventsRecorded;
        }
    }

    // ------------------------------------------------------------------ rescoring and reads

    @Override
    public void rescore(long nowMillis) {
        boolean schedule;
        synchronized (lock) {
            schedule = rescoreLocked(nowMillis);
        }
        deliverLater(schedule);
    }

    private boolean rescoreLocked(long now) {
        lastRescore = now;
        for (FunctionScore sc : scoring.values()) {
            sc.prob = predict(sc.id, now);
            sc.probTime = now;
        }
        // rebuild every layer's log-sum exactly (no drift from incremental updates)
        for (LayerState l : layers.values()) {
            l.logSum = 0;
        }
        for (FunctionScore sc : scoring.values()) {
            for (int i = 0; i < sc.layers.length; i++) {
                double c = Math.log1p(-Math.min(sc.prob * sc.weights[i], MAX_CONTRIBUTION));
                sc.applied[i] = c;
                sc.layers[i].logSum += c;
            }
        }
        boolean changed = false;
        for (Iterator<LayerState> it = layers.values().iterator(); it.hasNext(); ) {
            LayerState l = it.next();
            l.refresh(now);
            if (l.refs <= 0) {
                l.score = 0;
                changed |= markChanged(l);
                if (!l.dirty) {
                    it.remove();
                }
                continue;
            }
            changed |= markChanged(l);
        }
        return changed && markedDirty();
    }

    private void maybeRescoreLocked() {
        long every = settings.autoRescoreMillis();
        if (every > 0) {
            long now = nowLocked();
            if (lastRescore == Long.MIN_VALUE || now - lastRescore >= every) {
                if (rescoreLocked(now)) {
                    deliveryPendingFromRead = true;
                }
            }
        }
    }

    private boolean deliveryPendingFromRead;

    private void afterRead() {
        boolean schedule;
        synchronized (lock) {
            schedule = deliveryPendingFromRead;
            deliveryPendingFromRead = false;
        }
        deliverLater(schedule);
    }

    @Override
    public Map<LayerId, PredictionScore> scores() {
        Map<LayerId, PredictionScore> out = new LinkedHashMap<>();
        synchronized (lock) {
            maybeRescoreLocked();
            for (LayerState l : layers.values()) {
                if (l.refs > 0) {
                    out.put(l.id, new PredictionScore(l.id, l.score, l.time));
                }
            }
        }
        afterRead();
        return Collections.unmodifiableMap(out);
    }

    /**
     * The k best layers without materialising every score: one pass over the layers with a bounded
     * min-heap (O(L log k)); ties broken by layer id so results are deterministic.
     */
    @Override
    public List<PredictionScore> topK(int k) {
        if (k <= 0) {
            return List.of();
        }
        List<PredictionScore> out;
        synchronized (lock) {
            maybeRescoreLocked();
            java.util.PriorityQueue<LayerState> heap = new java.util.PriorityQueue<>(Math.min(k, 1024) + 1, WORST_FIRST);
            for (LayerState l : layers.values()) {
                if (l.refs <= 0) {
                    continue;
                }
                if (heap.size() < k) {
                    heap.add(l);
                } else if (WORST_FIRST.compare(l, heap.peek()) > 0) {
                    heap.poll();
                    heap.add(l);
                }
            }
            LayerState[] best = heap.toArray(new LayerState[0]);
            java.util.Arrays.sort(best, WORST_FIRST.reversed());
            out = new ArrayList<>(best.length);
            for (LayerState l : best) {
                out.add(new PredictionScore(l.id, l.score, l.time));
            }
        }
        afterRead();
        return Collections.unmodifiableList(out);
    }

    /** Orders layers worst first: lower score, then (for equal scores) higher layer id. */
    private static final java.util.Comparator<LayerState> WORST_FIRST = (a, b) -> {
        int c = Double.compare(a.score, b.score);
        return c != 0 ? c : b.id.compareTo(a.id);
    };

    @Override
    public Optional<PredictionScore> score(LayerId layer) {
        Optional<PredictionScore> out;
        synchronized (lock) {
            maybeRescoreLocked();
            LayerState l = layers.get(layer);
            out = l == null || l.refs <= 0 ? Optional.empty() : Optional.of(new PredictionScore(l.id, l.score, l.time));
        }
        afterRead();
        return out;
    }

    @Override
    public double functionProbability(String functionId) {
        synchronized (lock) {
            return predict(functionId, nowLocked());
        }
    }

    /** Probability of {@code functionId} as of {@code nowMillis} from the active predictor (no state change). */
    public double functionProbability(String functionId, long nowMillis) {
        synchronized (lock) {
            return predict(functionId, nowMillis);
        }
    }

    @Override
    public ProfileView profiles() {
        return lockedView;
    }

    public FunctionLayerMap functionLayers() {
        synchronized (lock) {
            return layerMap;
        }
    }

    // ------------------------------------------------------------------ listeners

    @Override
    public AutoCloseable subscribe(ScoreListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private boolean markedDirty() {
        if (deliveryPending || dirty.isEmpty()) {
            return false;
        }
        deliveryPending = true;
        return true;
    }

    private void deliverLater(boolean schedule) {
        if (schedule) {
            try {
                notifier.execute(this::deliver);
            } catch (RuntimeException e) {
                // executor shut down: drop this delivery, keep the layers dirty for the next one
                synchronized (lock) {
                    deliveryPending = false;
                }
                listenerErrors.incrementAndGet();
            }
        }
    }

    /** Delivers every pending change to the listeners (normally run by the notifier). */
    public void deliver() {
        List<PredictionScore> changed;
        synchronized (lock) {
            deliveryPending = false;
            if (dirty.isEmpty()) {
                return;
            }
            changed = new ArrayList<>(dirty.size());
            for (LayerState l : dirty) {
                l.dirty = false;
                l.notified = l.score;
                changed.add(new PredictionScore(l.id, l.score, l.time));
                if (l.refs <= 0) {
                    layers.remove(l.id);
                }
            }
            dirty.clear();
        }
        List<PredictionScore> view = Collections.unmodifiableList(changed);
        for (ScoreListener listener : listeners) {
            try {
                listener.scoresChanged(view);
            } catch (RuntimeException e) {
                listenerErrors.incrementAndGet();
            }
        }
    }

    // ------------------------------------------------------------------ snapshot / restore

    /** Everything learned so far, as a storable value. */
    public ProfileSnapshot snapshot() {
        synchronized (lock) {
            List<ProfileSnapshot.FunctionState> fns = new ArrayList<>(stats.size());
            long now = nowLocked();
            for (FunctionStats f : stats.values()) {
                fns.add(toState(f, now));
            }
            return new ProfileSnapshot(ProfileSnapshot.VERSION, now, latestEvent, eventsBase + eventsRecorded, fns);
        }
    }

    private ProfileSnapshot.FunctionState toState(FunctionStats f, long now) {
        double scaleNow = Math.exp((now - scaleRef) * ln2OverHalfLife);
        int nb = 0;
        for (long c : f.idleCounts) {
            if (c != 0) {
                nb++;
            }
        }
        int[] bins = new int[nb];
        long[] counts = new long[nb];
        double[] sums = new double[nb];
        double[] squares = new double[nb];
        for (int b = 0, i = 0; b < FunctionStats.IDLE_BINS; b++) {
            if (f.idleCounts[b] != 0) {
                bins[i] = b;
                counts[i] = f.idleCounts[b];
                squares[i] = f.idleSquares[b];
                sums[i++] = f.idleSums[b];
            }
        }
        int nm = 0;
        for (int c : f.minuteCounts) {
            if (c != 0) {
                nm++;
            }
        }
        int[] slots = new int[nm];
        int[] mc = new int[nm];
        for (int m = 0, i = 0; m < FunctionStats.MINUTE_HORIZON; m++) {
            if (f.minuteCounts[m] != 0) {
                slots[i] = m;
                mc[i++] = f.minuteCounts[m];
            }
        }
        List<ProfileSnapshot.FollowState> follows = new ArrayList<>(f.followCount);
        for (int k = 0; k < f.followCount; k++) {
            follows.add(new ProfileSnapshot.FollowState(f.followTargets[k].id, f.followValues[k] / scaleNow, now,
                    f.followCredited[k]));
        }
        ProfileSnapshot.ParamState ps = null;
        if (f.params != null) {
            Map<String, Double> lc = new LinkedHashMap<>();
            f.params.layerCounts.forEach((l, c) -> lc.put(l.digest(), c[0]));
            List<ProfileSnapshot.ValueState> vs = new ArrayList<>();
            f.params.values.forEach((kv, v) -> {
                Map<String, Double> m = new LinkedHashMap<>();
                v.layers.forEach((l, c) -> m.put(l.digest(), c[0]));
                vs.add(new ProfileSnapshot.ValueState(kv, v.n, m));
            });
            ps = new ProfileSnapshot.ParamState(f.params.accesses, lc, vs);
        }
        return new ProfileSnapshot.FunctionState(f.id, f.count, f.first, f.last, bins, counts, sums, squares, f.decayedCount,
                f.headMinute, slots, mc, f.hourRef, f.hourWeights.clone(), f.triggerScaled / scaleNow, now, follows,
                f.lastParams, ps);
    }

    /**
     * Replaces every profile with the snapshot's (the function-layer map and the predictor are kept)
     * and rescores. Follower entries naming functions absent from the snapshot are dropped.
     */
    public void restore(ProfileSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        boolean schedule;
        synchronized (lock) {
            double tau = settings.rateHalfLifeMillis() / Math.log(2);
            for (FunctionScore sc : scoring.values()) {
                sc.stats = null;
            }
            stats.clear();
            recentHead = null;
            recentTail = null;
            scaleRef = Math.max(0, snapshot.latestEventMillis());
            ln2OverHalfLife = Math.log(2) / settings.decayHalfLifeMillis();
            for (ProfileSnapshot.FunctionState s : snapshot.functions()) {
                FunctionStats f = new FunctionStats(s.functionId(), tau);
                f.count = s.count();
                f.first = s.firstMillis();
                f.last = s.lastMillis();
                long total = 0;
                for (int i = 0; i < s.idleBins().length; i++) {
                    f.idleCounts[s.idleBins()[i]] = s.idleCounts()[i];
                    f.idleSums[s.idleBins()[i]] = s.idleSums()[i];
                    f.idleSquares[s.idleBins()[i]] = s.idleSquares()[i];
                    total += s.idleCounts()[i];
                }
                f.idleTotal = total;
                f.decayedCount = s.decayedCount();
                f.headMinute = s.headMinute();
                for (int i = 0; i < s.minuteSlots().length; i++) {
                    f.minuteCounts[s.minuteSlots()[i]] = s.minuteCounts()[i];
                }
                f.hourRef = s.hourRef();
                System.arraycopy(s.hourWeights(), 0, f.hourWeights, 0, 24);
                f.triggerScaled = s.triggerCount() * Math.exp((s.triggerTime() - scaleRef) * ln2OverHalfLife);
                f.lastScale = f.last < 0 ? 0 : Math.exp((f.last - scaleRef) * ln2OverHalfLife);
                f.lastParams = s.lastParams();
                if (s.params() != null) {
                    ParameterModel pm = new ParameterModel();
                    pm.accesses = s.params().accesses();
                    s.params().layerCounts().forEach((d, c) -> pm.layerCounts.put(LayerId.of(d), new double[] {c}));
                    for (ProfileSnapshot.ValueState v : s.params().values()) {
                        ParameterModel.ValueStats vs = new ParameterModel.ValueStats();
                        vs.n = v.n();
                        v.layerCounts().forEach((d, c) -> vs.layers.put(LayerId.of(d), new double[] {c}));
                        pm.values.put(v.keyValue(), vs);
                    }
                    f.params = pm;
                }
                stats.put(f.id, f);
            }
            for (ProfileSnapshot.FunctionState s : snapshot.functions()) {
                FunctionStats f = stats.get(s.functionId());
                for (ProfileSnapshot.FollowState fo : s.followers()) {
                    FunctionStats target = stats.get(fo.target());
                    if (target == null || target == f) {
                        continue;
                    }
                    int k = f.addFollower(target, Math.max(settings.maxFollowers(), s.followers().size()));
                    f.followValues[k] = fo.value() * Math.exp((fo.timeMillis() - scaleRef) * ln2OverHalfLife);
                    f.followCredited[k] = fo.creditedTrigger();
                    target.inRows++;
                }
            }
            // recency list in order of last invocation
            List<FunctionStats> byLast = new ArrayList<>(stats.values());
            byLast.removeIf(f -> f.last < 0);
            byLast.sort((a, b) -> Long.compare(a.last, b.last));
            for (FunctionStats f : byLast) {
                f.inRecency = false;
                touchRecent(f);
            }
            latestEvent = Math.max(latestEvent, snapshot.latestEventMillis());
            eventsBase = snapshot.eventsRecorded() - eventsRecorded;
            // re-link scoring nodes (stack functions) and create nodes for parameter-model functions
            for (FunctionScore sc : scoring.values()) {
                FunctionStats f = stats.get(sc.id);
                sc.stats = f;
                if (f != null) {
                    f.score = sc;
                }
            }
            for (FunctionStats f : stats.values()) {
                if (f.params != null) {
                    scoringFor(f);
                }
            }
            for (Iterator<FunctionScore> it = scoring.values().iterator(); it.hasNext(); ) {
                FunctionScore sc = it.next();
                if (!layerMap.contains(sc.id) && (sc.stats == null || sc.stats.params == null)) {
                    unbind(sc);
                    it.remove();
                }
            }
            for (FunctionScore sc : scoring.values()) {
                bindLayers(sc, false);
            }
            schedule = rescoreLocked(nowLocked());
        }
        deliverLater(schedule);
    }

    // ------------------------------------------------------------------ views

    /** The view predictors see: called under the engine lock, no copying. */
    private final class InternalView implements ProfileView {

        @Override
        public FunctionProfile profile(String functionId) {
            return stats.get(functionId);
        }

        @Override
        public Collection<String> functions() {
            return Collections.unmodifiableSet(stats.keySet());
        }

        @Override
        public Map<String, Double> followers(String functionId) {
            FunctionStats f = stats.get(functionId);
            if (f == null || f.followCount == 0) {
                return Map.of();
            }
            ProfilerSettings s = settings;
            long now = nowLocked();
            Map<String, Double> out = new HashMap<>();
            for (int k = 0; k < f.followCount; k++) {
                double p = followProbability(f, k, now, s);
                if (p >= s.minFollowerProbability()) {
                    out.put(f.followTargets[k].id, p);
                }
            }
            return out;
        }

        /** Visits every row (O(functions x row size)): not for the hot path, see pendingPredecessors. */
        @Override
        public Map<String, Double> predecessors(String functionId) {
            FunctionStats f = stats.get(functionId);
            if (f == null || f.inRows == 0) {
                return Map.of();
            }
            ProfilerSettings s = settings;
            long now = nowLocked();
            Map<String, Double> out = new HashMap<>();
            for (FunctionStats g : stats.values()) {
                int k = g.followerIndex(f);
                if (k >= 0) {
                    double p = followProbability(g, k, now, s);
                    if (p >= s.minFollowerProbability()) {
                        out.put(g.id, p);
                    }
                }
            }
            return out;
        }

        /** Scans only the recency list (functions invoked within the window, newest first). */
        @Override
        public Map<String, Double> pendingPredecessors(String functionId, long now) {
            FunctionStats f = stats.get(functionId);
            if (f == null || f.inRows == 0) {
                return Map.of();
            }
            ProfilerSettings s = settings;
            long since = now - s.coOccurrenceWindowMillis();
            Map<String, Double> out = null;
            int scanned = 0;
            for (FunctionStats g = recentHead; g != null && scanned < s.maxRecentScan(); g = g.older) {
                if (g.last <= since || g.last < f.last) {
                    break; // sorted newest first: nothing older can be pending
                }
                if (g == f) {
                    continue;
                }
                scanned++;
                if (g.last > now) {
                    continue;
                }
                int k = g.followerIndex(f);
                if (k >= 0) {
                    double p = followProbability(g, k, now, s);
                    if (p >= s.minFollowerProbability()) {
                        if (out == null) {
                            out = new HashMap<>(4);
                        }
                        out.put(g.id, p);
                    }
                }
            }
            return out == null ? Map.of() : out;
        }

        @Override
        public long coOccurrenceWindowMillis() {
            return settings.coOccurrenceWindowMillis();
        }

        @Override
        public InvocationEvent lastEvent() {
            return lastEvent;
        }
    }

    /** The view handed to outside callers: locks per call and returns detached copies. */
    private final class LockedView implements ProfileView {

        @Override
        public FunctionProfile profile(String functionId) {
            synchronized (lock) {
                FunctionStats f = stats.get(functionId);
                return f == null ? null : f.copy();
            }
        }

        @Override
        public Collection<String> functions() {
            synchronized (lock) {
                return List.copyOf(stats.keySet());
            }
        }

        @Override
        public Map<String, Double> followers(String functionId) {
            synchronized (lock) {
                return view.followers(functionId);
            }
        }

        @Override
        public Map<String, Double> predecessors(String functionId) {
            synchronized (lock) {
                return view.predecessors(functionId);
            }
        }

        @Override
        public Map<String, Double> pendingPredecessors(String functionId, long nowMillis) {
            synchronized (lock) {
                return view.pendingPredecessors(functionId, nowMillis);
            }
        }

        @Override
        public long coOccurrenceWindowMillis() {
            return settings.coOccurrenceWindowMillis();
        }

        @Override
        public InvocationEvent lastEvent() {
            synchronized (lock) {
                return lastEvent;
            }
        }
    }
}
