package org.layerswap.webconsole;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.Contracts;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.Predictor;
import org.layerswap.api.ResidentLayer;
import org.layerswap.api.SwapManager;
import org.layerswap.api.SwapRecord;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Turns the running services into the JSON-ready maps the REST API returns. */
final class ApplianceView {

    private final BundleContext context;
    private final Supplier<BehavioralProfiler> profiler;
    private final Supplier<SwapManager> swapManager;
    private final Supplier<LayerStore> layerStore;
    private final Supplier<FeedbackLoop> feedbackLoop;

    ApplianceView(BundleContext context, Supplier<BehavioralProfiler> profiler, Supplier<SwapManager> swapManager,
                  Supplier<LayerStore> layerStore, Supplier<FeedbackLoop> feedbackLoop) {
        this.context = context;
        this.profiler = profiler;
        this.swapManager = swapManager;
        this.layerStore = layerStore;
        this.feedbackLoop = feedbackLoop;
    }

    Map<String, Object> status() {
        List<Map<String, Object>> bundles = new ArrayList<>();
        Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(Contracts.BUNDLE_PREFIX))
                .sorted(Comparator.comparing(Bundle::getSymbolicName))
                .forEach(b -> bundles.add(map("id", b.getBundleId(), "symbolicName", b.getSymbolicName(),
                        "version", b.getVersion().toString(), "active", b.getState() == Bundle.ACTIVE)));
        List<Map<String, Object>> services = new ArrayList<>();
        for (Class<?> contract : Contracts.SERVICES) {
            for (ServiceReference<?> ref : references(contract)) {
                services.add(map("contract", contract.getSimpleName(), "name", ref.getProperty("name"),
                        "ranking", ref.getProperty("service.ranking"), "bundle", ref.getBundle().getSymbolicName()));
            }
        }
        return map("bundles", bundles, "services", services);
    }

    Map<String, Object> overview(int k) {
        return map("time", System.currentTimeMillis(),
                "predictions", predictions(k),
                "layers", layers(),
                "swaps", swaps(20),
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

    Map<String, Object> predictors(String configured) {
        BehavioralProfiler p = profiler.get();
        String active = p == null ? "" : p.activePredictor();
        List<Map<String, Object>> list = new ArrayList<>();
        for (ServiceReference<?> ref : references(Predictor.class)) {
            Object name = ref.getProperty("name");
            list.add(map("name", name, "ranking", ref.getProperty("service.ranking"), "bundle",
                    ref.getBundle().getSymbolicName(), "active", active.equals(name)));
        }
        return map("configured", configured, "active", active, "predictors", list);
    }

    Map<String, Object> backends(String configured) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ServiceReference<?> ref : references(FilesystemBackend.class)) {
            FilesystemBackend b = (FilesystemBackend) context.getService(ref);
            if (b == null) {
                continue;
            }
            try {
                list.add(map("name", b.name(), "ranking", ref.getProperty("service.ranking"), "available", b.isAvailable(),
                        "unavailableReason", b.unavailableReason(), "composed", b.composed().size()));
            } finally {
                context.ungetService(ref);
            }
        }
        return map("configured", configured, "backends", list);
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

    Map<String, Object> threshold() {
        SwapManager sm = swapManager.get();
        FeedbackLoop fb = feedbackLoop.get();
        return map("available", sm != null, "threshold", sm == null ? null : sm.threshold(),
                "recommended", fb == null ? null : fb.recommendedThreshold());
    }

    private List<ServiceReference<?>> references(Class<?> contract) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(contract.getName(), null);
            if (refs == null) {
                return List.of();
            }
            Arrays.sort(refs, Comparator.reverseOrder());
            return List.of(refs);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
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
