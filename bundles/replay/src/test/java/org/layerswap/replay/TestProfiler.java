package org.layerswap.replay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.ProfileView;
import org.layerswap.api.ScoreListener;

/**
 * Test-only profiler: "the declared follower of a function invoked within the last window will
 * run": scores the follower's layers 0.9, everything else 0 (unscored).
 */
public class TestProfiler implements BehavioralProfiler {

    final Map<String, Long> lastSeen = new HashMap<>();
    final Map<String, String> follower;
    final long window;
    FunctionLayerMap layers = FunctionLayerMap.empty();
    long now;
    int recorded;
    int layerAccesses;
    int rescored;

    public TestProfiler() {
        this(Map.of(), 5 * 60_000L);
    }

    TestProfiler(Map<String, String> follower, long window) {
        this.follower = follower;
        this.window = window;
    }

    @Override
    public void record(InvocationEvent event) {
        recorded++;
        lastSeen.put(event.functionId(), event.timestampMillis());
        now = Math.max(now, event.timestampMillis());
    }

    @Override
    public void recordLayerAccess(InvocationEvent event, Collection<LayerId> layersUsed) {
        layerAccesses++;
    }

    @Override
    public void updateFunctionLayers(FunctionLayerMap map) {
        layers = map;
    }

    @Override
    public void rescore(long nowMillis) {
        rescored++;
        now = nowMillis;
    }

    @Override
    public Map<LayerId, PredictionScore> scores() {
        Map<LayerId, PredictionScore> out = new HashMap<>();
        for (String f : layers.functions()) {
            double p = functionProbability(f);
            if (p > 0) {
                for (LayerId l : layers.layersOf(f)) {
                    out.merge(l, new PredictionScore(l, p, now), (a, b) -> a.score() >= b.score() ? a : b);
                }
            }
        }
        return out;
    }

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
    public double functionProbability(String functionId) {
        for (Map.Entry<String, String> e : follower.entrySet()) {
            Long lt = lastSeen.get(e.getKey());
            if (e.getValue().equals(functionId) && lt != null && now - lt <= window) {
                return 0.9;
            }
        }
        return 0;
    }

    @Override
    public AutoCloseable subscribe(ScoreListener listener) {
        return () -> { };
    }

    @Override
    public long windowMillis() {
        return window;
    }

    @Override
    public String activePredictor() {
        return "test";
    }

    @Override
    public ProfileView profiles() {
        throw new UnsupportedOperationException("not needed by the replay");
    }
}
