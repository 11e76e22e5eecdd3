package org.layerswap.routes.internal;

import org.apache.camel.CamelContext;
import org.apache.camel.core.osgi.OsgiCamelContextPublisher;
import org.apache.camel.core.osgi.OsgiDefaultCamelContext;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.config.DataPaths;
import org.layerswap.api.config.SecretToken;
import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.routes.EdgeSettings;
import org.layerswap.routes.IngestRoutes;
import org.layerswap.routes.RecordSink;
import org.layerswap.routes.RoutesSettings;
import org.layerswap.routes.api.IngestStats;
import org.layerswap.routes.api.InvocationIngest;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin DS adapter: runs {@link IngestRoutes} in an {@link OsgiDefaultCamelContext} named {@code layerswap-routes}
 * (published as an OSGi service so that {@code camel:context-list}/{@code camel:route-list} show it) and registers
 * the {@link InvocationIngest} entry, and {@link RecordSink} for the Kafka route (a private-package service: only this
 * bundle's {@link KafkaIngestComponent} sees it). A configuration change restarts the context (no {@code @Modified}).
 */
@Component(service = {InvocationIngest.class, RecordSink.class}, configurationPid = "org.layerswap.routes",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = RoutesConfig.class)
public class RoutesComponent implements InvocationIngest, RecordSink {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesComponent.class);

    @Reference
    private BehavioralProfiler profiler;

    private volatile PersistenceService persistence;
    private volatile IngestRoutes routes;
    private CamelContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPersistence(PersistenceService p) {
        persistence = p;
        IngestRoutes r = routes;
        if (r != null) {
            r.setPersistence(p);
        }
    }

    void unbindPersistence(PersistenceService p) {
        if (persistence == p) {
            persistence = null;
            IngestRoutes r = routes;
            if (r != null) {
                r.setPersistence(null);
            }
        }
    }

    @Activate
    void activate(BundleContext bc, RoutesConfig cfg) throws Exception {
        RoutesSettings settings = settings(cfg);
        IngestRoutes r = new IngestRoutes(settings, edge(cfg), profiler, java.time.Clock.systemUTC());
        r.setPersistence(persistence);
        OsgiDefaultCamelContext osgi = new OsgiDefaultCamelContext(bc);
        osgi.setName("layerswap-routes");
        CamelContext ctx = osgi;
        ctx.getManagementStrategy().addEventNotifier(new OsgiCamelContextPublisher(bc));
        try {
            // start first, then add: the OSGi context is already initialised here (the management strategy set-up
            // initialises it), and definitions added to an initialised but not yet started context are never
            // started (seen in Karaf: 5 definitions, 0 routes). Routes added to a started context start at once.
            ctx.start();
            ctx.addRoutes(r);
        } catch (Exception e) {
            ctx.stop();
            throw e;
        }
        context = ctx;
        routes = r;
        LOG.info("Ingestion routes {} (definitions {}) started: dropDir={}, http={}, queueSize={}",
                ctx.getRoutes().stream().map(org.apache.camel.Route::getRouteId).toList(),
                ctx.adapt(org.apache.camel.model.ModelCamelContext.class).getRouteDefinitions().size(), settings.dropDir(),
                settings.httpPort() > 0 ? "127.0.0.1:" + settings.httpPort() + settings.httpPath() : "disabled",
                settings.queueSize());
    }

    @Deactivate
    void deactivate() {
        routes = null;
        CamelContext ctx = context;
        context = null;
        if (ctx != null) {
            ctx.stop();
        }
    }

    static RoutesSettings settings(RoutesConfig cfg) {
        // blank disables the drop folder (no default directory), so the resolver only sees a configured value
        String dir = cfg.dropDir() == null ? "" : cfg.dropDir().trim();
        return new RoutesSettings(dir.isEmpty() ? null : DataPaths.resolve(dir, "ingest"), cfg.httpPort(), cfg.httpPath(), cfg.queueSize(),
                cfg.rescoreIntervalSeconds(), cfg.retentionIntervalSeconds(), cfg.commitTimeoutSeconds(),
                cfg.maxPayloadChars());
    }

    /** The edge rules of {@code cfg}; the token from the config, else from (or generated into) the token file. */
    static EdgeSettings edge(RoutesConfig cfg) throws java.io.IOException {
        String token = cfg.token() == null ? "" : cfg.token().trim();
        if (token.isEmpty()) {
            String file = cfg.tokenFile() == null ? "" : cfg.tokenFile().trim();
            token = SecretToken.loadOrCreate(DataPaths.resolve(file, "security/ingest.token"), EdgeSettings.TOKEN_NAME).value();
        }
        return new EdgeSettings(token, EdgeSettings.list(cfg.allowedHosts()), EdgeSettings.list(cfg.allowedOrigins()),
                EdgeSettings.list(cfg.contentTypes()), cfg.maxBodyBytes(), cfg.maxLineChars(), cfg.maxFunctionIdChars(),
                cfg.maxTenantChars(), cfg.maxParams(), cfg.maxParamChars(), cfg.maxFutureSkewSeconds() * 1000);
    }

    @Override
    public void ingest(InvocationEvent event) {
        IngestRoutes r = routes;
        if (r == null) {
            throw new IllegalStateException("ingestion routes are not running");
        }
        r.ingest(event);
    }

    @Override
    public IngestStats stats() {
        IngestRoutes r = routes;
        if (r == null) {
            throw new IllegalStateException("ingestion routes are not running");
        }
        return r.stats();
    }

    @Override
    public String offer(String source, long position, String raw, String functionId) {
        return running().offer(source, position, raw, functionId);
    }

    @Override
    public void awaitCommitted(String what, String consequence) {
        running().awaitCommitted(what, consequence);
    }

    private IngestRoutes running() {
        IngestRoutes r = routes;
        if (r == null) {
            throw new IllegalStateException("ingestion routes are not running");
        }
        return r;
    }

    @Override
    public java.nio.file.Path dropDirectory() {
        IngestRoutes r = routes;
        return r == null ? null : r.dropDirectory();
    }
}
