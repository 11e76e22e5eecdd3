package org.layerswap.profiler.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.PredictionScore;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Posts {@link BehavioralProfiler#TOPIC_SCORES_CHANGED} events when an EventAdmin is present. Kept in
 * its own class, loaded only when the (optionally imported) EventAdmin package is wired, so the
 * profiler runs without EventAdmin. Event properties: {@code layers} (String[] digests),
 * {@code scores} (double[]), {@code timestamp} (long, the newest score's time), {@code predictor}.
 */
final class EventAdminPublisher implements AutoCloseable {

    private final ServiceTracker<EventAdmin, EventAdmin> tracker;

    EventAdminPublisher(BundleContext context) {
        tracker = new ServiceTracker<>(context, EventAdmin.class, null);
        tracker.open();
    }

    void publish(List<PredictionScore> changed, String predictor) {
        EventAdmin ea = tracker.getService();
        if (ea == null || changed.isEmpty()) {
            return;
        }
        String[] layers = new String[changed.size()];
        double[] scores = new double[changed.size()];
        long ts = Long.MIN_VALUE;
        for (int i = 0; i < layers.length; i++) {
            PredictionScore s = changed.get(i);
            layers[i] = s.layerId().digest();
            scores[i] = s.score();
            ts = Math.max(ts, s.timestampMillis());
        }
        Map<String, Object> props = new HashMap<>();
        props.put("layers", layers);
        props.put("scores", scores);
        props.put("timestamp", ts);
        props.put("predictor", predictor);
        ea.postEvent(new Event(BehavioralProfiler.TOPIC_SCORES_CHANGED, props));
    }

    @Override
    public void close() {
        tracker.close();
    }
}
