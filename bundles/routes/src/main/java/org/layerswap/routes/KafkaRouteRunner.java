package org.layerswap.routes;

import java.util.Objects;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Kafka route for the current settings, plain Java (the DS adapter supplies OSGi Camel contexts, tests plain
 * ones). Invariant: at most one consumer runs, in its own context, and only while the settings say {@code enabled};
 * {@link #apply} stops the running one (a clean stop: its committed offsets are where the next one resumes) before it
 * starts the next. Not thread-safe: the caller serialises (DS calls activate/modified/deactivate one at a time).
 */
public final class KafkaRouteRunner {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRouteRunner.class);

    private final Supplier<CamelContext> contexts;
    private final RecordSink sink;
    private CamelContext running;
    private KafkaSettings settings;

    /** {@code contexts} makes a new, not yet started context each call. */
    public KafkaRouteRunner(Supplier<CamelContext> contexts, RecordSink sink) {
        this.contexts = Objects.requireNonNull(contexts, "contexts");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Stops the running consumer, then starts one for {@code next} when it is enabled.
     *
     * @throws IllegalStateException when the route cannot start (e.g. camel-kafka missing); nothing runs then
     */
    public void apply(KafkaSettings next) {
        stop();
        settings = next;
        if (!next.enabled()) {
            LOG.info("Kafka ingest route off ({} enabled=false)", KafkaSettings.PID);
            return;
        }
        CamelContext ctx = contexts.get();
        try {
            // start the context first, then add: routes added to a started context start at once (see RoutesComponent)
            ctx.start();
            ctx.addRoutes(new KafkaIngestRoute(next, sink));
        } catch (Exception | LinkageError e) {
            // a LinkageError: the optional import of camel-kafka is not wired (feature layerswap-kafka not installed)
            ctx.stop();
            String message = "Kafka ingest route not started (" + next + "); is the feature layerswap-kafka (camel-kafka) "
                    + "installed? " + e;
            LOG.error("{}", message);
            throw new IllegalStateException(message, e);
        }
        running = ctx;
        LOG.info("Kafka ingest route started: {}", next);
    }

    /** Stops the running consumer, if any. */
    public void stop() {
        CamelContext ctx = running;
        running = null;
        if (ctx != null) {
            ctx.stop();
        }
    }

    /** The context of the running consumer, or null. */
    public CamelContext running() {
        return running;
    }

    /** The settings last applied, or null. */
    public KafkaSettings settings() {
        return settings;
    }
}
