package org.layerswap.testkit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.ProfileView;
import org.layerswap.api.ScoreListener;

/**
 * The one test double of {@link BehavioralProfiler}: it records what it is fed and scores layers only
 * as the test says, in two ways that combine (the higher score of a layer wins):
 * <ul>
 *   <li>{@link #push}: a score the test sets, announced to the subscribed listeners at once;</li>
 *   <li>{@link #withFollowers}: "the declared follower of a function invoked within the last window will
 *       run": its probability is {@link #FOLLOWER_PROBABILITY}, and each layer of the follower (from the
 *       last {@link #updateFunctionLayers} map) scores that, as of the latest event or rescore time.</li>
 * </ul>
 * Thread-safe: recording methods may be called from several threads (ingestion routes do).
 * {@link #profiles()} is not modelled and throws.
 */
public class FakeProfiler implements BehavioralProfiler {

    /** Probability of a declared follower whose leader ran within the window. */
    public static final double FOLLOWER_PROBABILITY = 0.9;

    private final long windowMillis;
    private final Map<String, String> followerOf = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final Map<LayerId, PredictionScore> pushed = new ConcurrentHashMap<>();
    private final List<ScoreListener> listeners = new CopyOnWriteArrayList<>();
    private final List<InvocationEvent> events = new ArrayList<>();
    private final List<Collection<LayerId>> accesses = new ArrayList<>();
    private final List<Long> rescores = new ArrayList<>();
    private volatile FunctionLayerMap functionLayers = FunctionLayerMap.empty();
    private volatile Map<LayerId, Double> optionalLayers = Map.of();
    private volatile Consumer<InvocationEvent> beforeRecord = e -> { };
    private volatile long now;
    private volatile boolean keepEvents = true;
    private final java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger();

    /** A profiler with a 60 s prediction window. */
    public FakeProfiler() {
        this(60_000);
    }

    public FakeProfiler(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /** Declares {@code follower.get(f)} as the function that runs after each {@code f}; returns this. */
    public FakeProfiler withFollowers(Map<String, String> follower) {
        followerOf.putAll(follower);
        return this;
    }

    /**
     * Counts recorded events without keeping them (nor their functions' last-seen times), for tests that push
     * millions of events and bound the heap; {@link #events()} then stays empty. Returns this.
     */
    public FakeProfiler countingOnly() {
        keepEvents = false;
        return this;
    }

    /** Runs {@code hook} at the start of every {@link #record}, e.g. to make this a slow consumer; returns this. */
    public FakeProfiler beforeRecord(Consumer<InvocationEvent> hook) {
        beforeRecord = hook;
        return this;
    }

    /** What {@link #optionalLayers} answers from now on, for every function and parameters. */
    public void setOptionalLayers(Map<LayerId, Double> layers) {
        optionalLayers = Map.copyOf(layers);
    }

    /** Sets the score of {@code layer} and tells every subscriber. */
    public void push(LayerId layer, double score) {
        PredictionScore s = new PredictionScore(layer, score, now);
        pushed.put(layer, s);
        listeners.forEach(l -> l.scoresChanged(List.of(s)));
    }

    @Override
    public void record(InvocationEvent event) {
        beforeRecord.accept(event);
        recorded.incrementAndGet();
        if (!keepEvents) {
            return;
        }
        synchronized (this) {
            events.add(event);
            lastSeen.merge(event.functionId(), event.timestampMillis(), Math::max);
            now = Math.max(now, event.timestampMillis());
        }
    }

    @Override
    public synchronized void recordLayerAccess(InvocationEvent event, Collection<LayerId> layersUsed) {
        accesses.add(List.copyOf(layersUsed));
    }

    @Override
    public void updateFunctionLayers(FunctionLayerMap map) {
        functionLayers = map;
    }

    @Override
    public synchronized void rescore(long nowMillis) {
        rescores.add(nowMillis);
        now = nowMillis;
    }

    /** Every recorded event, in arrival order (a copy). */
    public synchronized List<InvocationEvent> events() {
        return new ArrayList<>(events);
    }

    /** How many events were recorded (kept or, after {@link #countingOnly()}, only counted). */
    public int recorded() {
        return recorded.get();
    }

    /** The layers of every {@link #recordLayerAccess} call, in order (a copy). */
    public synchronized List<Collection<LayerId>> layerAccesses() {
        return new ArrayList<>(accesses);
    }

    /** The time of every {@link #rescore} call, in order (a copy). */
    public synchronized List<Long> rescores() {
        return new ArrayList<>(rescores);
    }

    /** The map last given to {@link #updateFunctionLayers}; empty before. */
    public FunctionLayerMap functionLayers() {
        return functionLayers;
    }

    public int subscribers() {
        return listeners.size();
    }

    @Override
    public Map<LayerId, PredictionScore> scores() {
        Map<LayerId, PredictionScore> out = new HashMap<>(pushed);
        FunctionLayerMap map = functionLayers;
        for (String f : map.functions()) {
            double p = functionProbability(f);
            if (p > 0) {
                for (LayerId l : map.layersOf(f)) {
                    out.merge(l, new PredictionScore(l, p, now), (a, b) -> a.score() >= b.score() ? a : b);
                }
            }
        }
        return out;
    }

    /** Highest first; ties by layer id, so the order is deterministic. */
    @Override
    public List<PredictionScore> topK(int k) {
        List<PredictionScore> all = new ArrayList<>(scores().values());
        all.sort(Comparator.comparingDouble(PredictionScore::score).reversed().thenComparing(PredictionScore::layerId));
        return all.subList(0, Math.min(k, all.size()));
    }

    @Override
    public Optional<PredictionScore> score(LayerId layer) {
        return Optional.ofNullable(scores().get(layer));
    }

    @Override
    public synchronized double functionProbability(String functionId) {
        for (Map.Entry<String, String> e : followerOf.entrySet()) {
            Long last = lastSeen.get(e.getKey());
            if (e.getValue().equals(functionId) && last != null && now - last <= windowMillis) {
                return FOLLOWER_PROBABILITY;
            }
        }
        return 0;
    }

    @Override
    public AutoCloseable subscribe(ScoreListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public long windowMillis() {
        return windowMillis;
    }

    @Override
    public String activePredictor() {
        return "fake";
    }

    @Override
    public ProfileView profiles() {
        throw new UnsupportedOperationException("FakeProfiler has no profile model; use the profiler engine");
    }

    @Override
    public Map<LayerId, Double> optionalLayers(String functionId, Map<String, String> params) {
        return optionalLayers;
    }
}
