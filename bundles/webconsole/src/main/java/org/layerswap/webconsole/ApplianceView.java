package org.layerswap.webconsole;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.layerswap.api.ApplianceControl;
import org.layerswap.api.ApplianceStatus;
import org.layerswap.api.BackendInfo;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.BundleInfo;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FetchBudgetStatus;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.ResidentLayer;
import org.layerswap.api.ServiceInfo;
import org.layerswap.api.SwapManager;
import org.layerswap.api.SwapRecord;

/** Turns the running services into the JSON-ready maps the REST API returns. */
final class ApplianceView {

    private final ApplianceControl control;
    private final Supplier<BehavioralProfiler> profiler;
    private final Supplier<SwapManager> swapManager;
    private final Supplier<LayerStore> layerStore;
    private final Supplier<FeedbackLoop> feedbackLoop;

    ApplianceView(ApplianceControl control, Supplier<BehavioralProfiler> profiler, Supplier<SwapManager> swapManager,
                  Supplier<LayerStore> layerStore, Supplier<FeedbackLoop> feedbackLoop) {
        this.control = control;
        this.profiler = profiler;
        this.swapManager = swapManager;
        this.layerStore = layerStore;
        this.feedbackLoop = feedbackLoop;
    }

    Map<String, Object> status() {
        ApplianceStatus status = control.status();
        List<Map<String, Object>> bundles = new ArrayList<>();
        for (BundleInfo b : status.bundles()) {
            bundles.add(map("id", b.id(), "symbolicName", b.symbolicName(), "version", b.version(), "state", b.state(), "active", b.isActive()));
        }
        List<Map<String, Object>> services = new ArrayList<>();
        for (ServiceInfo s : status.services()) {
            services.add(service(s));
        }
        return map("bundles", bundles, "services", services);
    }

    private static Map<String, Object> service(ServiceInfo s) {
        return map("contract", s.contract(), "name", s.name(), "ranking", s.ranking(), "bundle", s.bundle(), "active", s.active());
    }

    Map<String, Object> overview(int k) {
        return map("time", System.currentTimeMillis(),
                "predictions", predictions(k),
                "layers", layers(),
                "swaps", swaps(20),
                "prefetches", prefetches(20),
                "threshold", threshold(),
                "status", status());
    }

    Map<String, Object> predictions(int k) {
        BehavioralProfiler p = profiler.get();
        if (p == null) {
            return map("available", false);
        }
        List<Map<String, Object>> top = new ArrayList<>();
        for (PredictionScore s : p.topK(k)) {
            top.add(map("layer", s.layerId().digest(), "short", s.layerId().shortForm(), "score", s.score(),
                    "timestamp", s.timestampMillis()));
        }
        return map("available", true, "predictor", p.activePredictor(), "windowMillis", p.windowMillis(),
                "scored", p.scores().size(), "top", top);
    }

    Map<String, Object> predictors() {
        BehavioralProfiler p = profiler.get();
        return map("configured", control.configuredPredictor(), "active", p == null ? "" : p.activePredictor(),
                "predictors", control.predictors().stream().map(ApplianceView::service).toList());
    }

    Map<String, Object> backends() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (BackendInfo b : control.backends()) {
            list.add(map("name", b.name(), "ranking", b.ranking(), "available", b.available(),
                    "unavailableReason", b.unavailableReason(), "composed", b.composedRoots()));
        }
        return map("configured", control.configuredBackend(), "backends", list);
    }

    Map<String, Object> layers() {
        LayerStore store = layerStore.get();
        if (store == null) {
            return map("available", false);
        }
        LayerStoreStats s = store.stats();
        BehavioralProfiler p = profiler.get();
        List<Map<String, Object>> resident = new ArrayList<>();
        for (ResidentLayer l : store.resident()) {
            double score = p == null ? 0 : p.score(l.id()).map(PredictionScore::score).orElse(0.0);
            resident.add(map("layer", l.id().digest(), "short", l.id().shortForm(), "sizeBytes", l.sizeBytes(),
                    "unpackedBytes", l.unpackedBytes(), "refCount", l.refCount(), "lastUsed", l.lastUsedMillis(), "score", score));
        }
        return map("available", true, "budgetBytes", s.budgetBytes(), "usedBytes", s.usedBytes(),
                "bytesPulled", s.bytesPulled(), "hits", s.hits(), "misses", s.misses(), "evictions", s.evictions(),
                "verifyFailures", s.verifyFailures(), "queuedFetches", s.queuedFetches(), "resident", resident);
    }

    Map<String, Object> swaps(int limit) {
        SwapManager sm = swapManager.get();
        if (sm == null) {
            return map("available", false);
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (SwapRecord r : sm.swapHistory(limit)) {
            list.add(map("id", r.id(), "function", r.functionId(), "mode", r.mode(), "outcome", r.outcome(),
                    "started", r.startedMillis(), "durationMicros", r.durationMicros(), "layers", r.toLayers().size(),
                    "detail", r.detail()));
        }
        return map("available", true, "swaps", list);
    }

    /** The prefetch queue: fetches in flight (oldest first, time waited so far) and the latest finished ones. */
    Map<String, Object> prefetches(int limit) {
        SwapManager sm = swapManager.get();
        if (sm == null) {
            return map("available", false);
        }
        List<Map<String, Object>> inFlight = new ArrayList<>();
        for (PrefetchRecord r : sm.fetchesInFlight()) {
            Map<String, Object> m = prefetch(r);
            m.put("state", r.detail());
            m.put("waitedMicros", r.durationMicros());
            inFlight.add(m);
        }
        List<Map<String, Object>> recent = new ArrayList<>();
        for (PrefetchRecord r : sm.prefetchHistory(limit)) {
            Map<String, Object> m = prefetch(r);
            m.put("outcome", r.succeeded() ? "SUCCEEDED" : "FAILED");
            m.put("durationMicros", r.durationMicros());
            m.put("detail", r.detail());
            recent.add(m);
        }
        FetchBudgetStatus b = sm.fetchBudget();
        return map("available", true, "inFlight", inFlight, "recent", recent, "budget", map("budgetVsLru", b.budgetVsLru(),
                "ratioToLru", Double.isNaN(b.ratioToLru()) ? null : b.ratioToLru(), "bytePrice", b.bytePrice(),
                "periodRatioToLru", Double.isNaN(b.periodRatioToLru()) ? null : b.periodRatioToLru()));
    }

    private static Map<String, Object> prefetch(PrefetchRecord r) {
        // on-demand fetches carry no score (NaN), which JSON cannot express
        return map("id", r.id(), "layer", r.layer().digest(), "short", r.layer().shortForm(), "function", r.functionId(),
                "priority", r.priority().name(), "score", Double.isNaN(r.score()) ? null : r.score(),
                "started", r.startedMillis(), "bytes", r.bytes());
    }

    Map<String, Object> functions() {
        SwapManager sm = swapManager.get();
        if (sm == null) {
            return map("available", false);
        }
        BehavioralProfiler p = profiler.get();
        LayerStore store = layerStore.get();
        List<Map<String, Object>> list = new ArrayList<>();
        var layerMap = sm.functionLayers();
        for (String fn : new java.util.TreeSet<>(layerMap.functions())) {
            var layers = layerMap.layersOf(fn);
            var profile = p == null || p.profiles() == null ? null : p.profiles().profile(fn);
            list.add(map("function", fn, "layers", layers.size(),
                    "resident", store == null ? 0 : layers.stream().filter(store::isResident).count(),
                    "invocations", profile == null ? 0 : profile.invocationCount(),
                    "probability", p == null ? 0.0 : p.functionProbability(fn)));
        }
        return map("available", true, "functions", list);
    }

    Map<String, Object> threshold() {
        SwapManager sm = swapManager.get();
        FeedbackLoop fb = feedbackLoop.get();
        return map("available", sm != null, "threshold", sm == null ? null : sm.threshold(),
                "recommended", fb == null ? null : fb.recommendedThreshold(), "auto", control.thresholdAuto());
    }

    /** An insertion-ordered map from alternating keys and values (nulls allowed, unlike Map.of). */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
