package org.layerswap.routes.internal;

import org.apache.camel.core.osgi.OsgiCamelContextPublisher;
import org.apache.camel.core.osgi.OsgiDefaultCamelContext;
import org.layerswap.routes.KafkaRouteRunner;
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
 * Thin DS adapter of the optional Kafka route: a {@link KafkaRouteRunner} whose consumer runs in its own
 * {@link OsgiDefaultCamelContext} {@code layerswap-kafka} (published, so {@code camel:context-list} shows it) into the
 * ingestion routes' {@link RecordSink}. A change of {@code org.layerswap.routes.kafka} ({@code @Modified}) stops the
 * consumer (its offsets stay committed) and starts one with the new settings; an invalid change is refused with the
 * reason before anything stops, so the running consumer is kept. Needs camel-kafka only when enabled (feature
 * {@code layerswap-kafka}).
 */
@Component(configurationPid = KafkaSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {})
@Designate(ocd = KafkaConfig.class)
public class KafkaIngestComponent {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestComponent.class);

    @Reference
    private RecordSink sink;

    private KafkaRouteRunner runner;

    @Activate
    synchronized void activate(BundleContext bc, KafkaConfig cfg) {
        runner = new KafkaRouteRunner(() -> {
            OsgiDefaultCamelContext ctx = new OsgiDefaultCamelContext(bc);
            ctx.setName("layerswap-kafka");
            ctx.getManagementStrategy().addEventNotifier(new OsgiCamelContextPublisher(bc));
            return ctx;
        }, sink);
        runner.apply(settings(cfg));
    }

    @Modified
    synchronized void modified(KafkaConfig cfg) {
        KafkaSettings next;
        try {
            next = settings(cfg);
        } catch (IllegalArgumentException e) {
            LOG.error("{} refused, the Kafka route keeps its settings: {}", KafkaSettings.PID, e.getMessage());
            throw e;
        }
        runner.apply(next);
    }

    @Deactivate
    synchronized void deactivate() {
        runner.stop();
    }

    static KafkaSettings settings(KafkaConfig cfg) {
        return new KafkaSettings(cfg.enabled(), cfg.brokers(), cfg.topic(), cfg.groupId(), cfg.autoOffsetReset(),
                cfg.maxPollRecords(), cfg.pollTimeoutMillis(), cfg.securityProtocol(), cfg.saslMechanism(),
                cfg.saslJaasConfig(), cfg.sslTruststoreLocation(), cfg.sslTruststorePassword());
    }
}
