package org.layerswap.routes.internal;

import org.apache.camel.CamelContext;
import org.apache.camel.core.osgi.OsgiCamelContextPublisher;
import org.apache.camel.core.osgi.OsgiDefaultCamelContext;
import org.layerswap.routes.KafkaIngestRoute;
import org.layerswap.routes.KafkaSettings;
import org.layerswap.routes.RecordSink;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin DS adapter of the optional Kafka route: while {@code enabled}, runs {@link KafkaIngestRoute} in its own
 * {@link OsgiDefaultCamelContext} {@code layerswap-kafka} into the ingestion routes' {@link RecordSink}. A change of
 * {@code org.layerswap.routes.kafka} ({@code @Modified}) stops the consumer (its offsets stay committed) and starts one
 * with the new settings; an invalid change is refused with the reason and the running consumer is kept. Needs the
 * {@code camel-kafka} feature only when enabled (feature {@code layerswap-kafka}).
 */
@Component(configurationPid = KafkaSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {})
@Designate(ocd = KafkaConfig.class)
public class KafkaIngestComponent {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestComponent.class);

    @Reference
    private RecordSink sink;

    private BundleContext bundleContext;
    private CamelContext context;

    @Activate
    synchronized void activate(BundleContext bc, KafkaConfig cfg) throws Exception {
        bundleContext = bc;
        apply(settings(cfg));
    }

    @Modified
    synchronized void modified(KafkaConfig cfg) throws Exception {
        KafkaSettings next;
        try {
            next = settings(cfg);
        } catch (IllegalArgumentException e) {
            LOG.error("{} refused, the Kafka route keeps its settings: {}", KafkaSettings.PID, e.getMessage());
            throw e;
        }
        apply(next);
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
    }

    private void apply(KafkaSettings s) throws Exception {
        stop();
        if (!s.enabled()) {
            LOG.info("Kafka ingest route off ({} enabled=false)", KafkaSettings.PID);
            return;
        }
        OsgiDefaultCamelContext ctx = new OsgiDefaultCamelContext(bundleContext);
        ctx.setName("layerswap-kafka");
        ctx.getManagementStrategy().addEventNotifier(new OsgiCamelContextPublisher(bundleContext));
        try {
            // as in RoutesComponent: start the context first, then add (routes added to a started context start at once)
            ctx.start();
            ctx.addRoutes(new KafkaIngestRoute(s, sink));
        } catch (Exception | LinkageError e) {
            // a LinkageError: the optional import of camel-kafka is not wired (feature layerswap-kafka not installed)
            ctx.stop();
            String message = "Kafka ingest route not started (" + s + "); is the feature layerswap-kafka (camel-kafka) "
                    + "installed? " + e;
            LOG.error("{}", message);
            throw new IllegalStateException(message, e);
        }
        context = ctx;
        LOG.info("Kafka ingest route started: {}", s);
    }

    private void stop() {
        CamelContext ctx = context;
        context = null;
        if (ctx != null) {
            ctx.stop();
        }
    }

    static KafkaSettings settings(KafkaConfig cfg) {
        return new KafkaSettings(cfg.enabled(), cfg.brokers(), cfg.topic(), cfg.groupId(), cfg.autoOffsetReset(),
                cfg.maxPollRecords(), cfg.pollTimeoutMillis(), cfg.securityProtocol(), cfg.saslMechanism(),
                cfg.saslJaasConfig(), cfg.sslTruststoreLocation(), cfg.sslTruststorePassword());
    }
}
