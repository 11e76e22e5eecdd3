package org.layerswap.metrics.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.servlet.Servlet;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.LayerStore;
import org.layerswap.api.OperationsListener;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.SwapManager;
import org.layerswap.api.SwapRecord;
import org.layerswap.api.config.DataPaths;
import org.layerswap.api.config.SecretToken;
import org.layerswap.metrics.BrierScore;
import org.layerswap.metrics.EventMeters;
import org.layerswap.metrics.JmxExporter;
import org.layerswap.metrics.MetricsServlet;
import org.layerswap.metrics.PredictorMeters;
import org.layerswap.metrics.PrefetchLedger;
import org.layerswap.metrics.PrefetchStarts;
import org.layerswap.metrics.ServiceMeters;
import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.routes.api.InvocationIngest;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * DS adapter: builds the registry and its meters from the services present (each optional; a missing one reads NaN),
 * is the {@link OperationsListener} the executor and the swap manager publish to, serves the registry at
 * {@code /layerswap/metrics} (a servlet in the web console's {@code layerswap} context) and registers the JMX MBeans.
 */
@Component(service = OperationsListener.class, immediate = true, configurationPid = "org.layerswap.metrics")
@Designate(ocd = MetricsConfig.class)
public class MetricsComponent implements OperationsListener {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile LayerStore store;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile SwapManager swapManager;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile BehavioralProfiler profiler;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile FeedbackLoop feedback;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile InvocationIngest ingest;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile PersistenceService persistence;

    private PrometheusMeterRegistry registry;
    private PrefetchLedger ledger;
    private PrefetchStarts starts;
    private EventMeters events;
    @SuppressWarnings("unused") // held: its gauges read through it
    private ServiceMeters serviceMeters;
    private PredictorMeters predictorMeters;
    private volatile SecretToken token; // replaced on @Modified; the servlet reads it per request
    private JmxExporter jmx;
    private ServiceRegistration<Servlet> servlet;
    private ScheduledExecutorService sampler;

    @Activate
    void activate(BundleContext context, MetricsConfig config) throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ledger = new PrefetchLedger(registry, f -> {
            SwapManager s = swapManager;
            return s == null ? List.of() : s.functionLayers().layersOf(f);
        }, l -> {
            LayerStore s = store;
            return s != null && s.isResident(l);
        });
        starts = new PrefetchStarts(registry);
        events = new EventMeters(registry, ledger, starts);
        serviceMeters = new ServiceMeters(registry, new ServiceMeters.Reads(
                () -> read(store, LayerStore::stats),
                () -> read(ingest, InvocationIngest::stats),
                () -> read(persistence, PersistenceService::stats),
                () -> orNaN(read(swapManager, SwapManager::threshold)),
                () -> orNaN(read(feedback, FeedbackLoop::recommendedThreshold)),
                () -> orNaN(read(swapManager, s -> (double) s.fetchesInFlight().stream()
                        .filter(r -> r.priority() == FetchPriority.PREFETCH).count())),
                () -> read(swapManager, SwapManager::fetchBudget)));
        predictorMeters = new PredictorMeters(registry, new BrierScore(
                () -> {
                    BehavioralProfiler p = profiler;
                    return p == null ? List.of() : p.profiles().functions();
                },
                f -> orNaN(read(profiler, p -> p.functionProbability(f))),
                f -> {
                    BehavioralProfiler p = profiler;
                    FunctionProfile fp = p == null ? null : p.profiles().profile(f);
                    return fp == null ? 0 : fp.invocationCount();
                },
                () -> {
                    BehavioralProfiler p = profiler;
                    return p == null ? "" : p.activePredictor();
                }));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        token = token(config);
        if (config.jmx()) {
            jmx = new JmxExporter(registry, ManagementFactory.getPlatformMBeanServer());
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/metrics");
        props.put("osgi.http.whiteboard.servlet.name", "layerswap-metrics");
        props.put("osgi.http.whiteboard.context.select", "(osgi.http.whiteboard.context.name=layerswap)");
        servlet = context.registerService(Servlet.class, new MetricsServlet(registry, () -> token, this::settle), props);
        startSampler(config);
    }

    @Modified
    void modified(MetricsConfig config) throws IOException {
        token = token(config);
        sampler.shutdownNow();
        startSampler(config);
    }

    @Deactivate
    void deactivate() {
        sampler.shutdownNow();
        if (servlet != null) {
            servlet.unregister();
        }
        if (jmx != null) {
            jmx.close();
        }
        registry.close();
    }

    private void startSampler(MetricsConfig config) {
        if (config.sampleIntervalSeconds() < 1) {
            throw new IllegalArgumentException("sampleIntervalSeconds must be >= 1, got " + config.sampleIntervalSeconds());
        }
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "layerswap-metrics-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sample, 0, config.sampleIntervalSeconds(), TimeUnit.SECONDS);
    }

    /** Settles the derived counters that follow the services' state: prefetches gone unused, prefetches started. */
    private void settle() {
        ledger.sweep();
        SwapManager s = swapManager;
        if (s != null) {
            starts.inFlight(s.fetchesInFlight());
        }
    }

    private void sample() {
        try {
            settle();
            BehavioralProfiler p = profiler;
            if (p != null) {
                predictorMeters.tick(System.currentTimeMillis(), p.windowMillis());
            }
        } catch (RuntimeException e) {
            LOG.warn("metrics sample failed: {}", e.toString());
        }
    }

    /** {@code f} of a service read once (it may go away between two reads of the field); null when absent. */
    private static <S, T> T read(S service, java.util.function.Function<S, T> f) {
        return service == null ? null : f.apply(service);
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static SecretToken token(MetricsConfig config) throws IOException {
        if (!config.token().isBlank()) {
            return SecretToken.of(config.token(), "metrics scrape token");
        }
        return SecretToken.loadOrCreate(DataPaths.resolve(config.tokenFile(), "security/metrics.token"), "metrics scrape token");
    }

    @Override
    public void executionFinished(ExecutionResult result) {
        events.executionFinished(result);
    }

    @Override
    public void swapRecorded(SwapRecord record) {
        events.swapRecorded(record);
    }

    @Override
    public void fetchRecorded(PrefetchRecord record) {
        events.fetchRecorded(record);
    }
}
