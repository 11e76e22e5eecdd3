package org.layerswap.routes;

import java.util.Objects;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualSyncCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional Kafka ingest route {@code ingest-kafka}, plain Java: consumes {@link KafkaSettings#topic()} (one JSON
 * invocation event per record, keyed by function id) into a {@link RecordSink}, which parses, validates and queues the
 * event or dead-letters the record ({@code kafka:<topic>/<partition>}, the offset as its position, and the reason).
 *
 * <p>Delivery is at-least-once, and an offset is never committed before its events are accepted: Camel commits
 * nothing by itself (auto-commit off, and a manual-commit factory that is not Camel's default selects its no-op
 * commit manager); on the last record of each partition in a poll the route waits for {@link RecordSink#awaitCommitted}
 * (every queued event consumed and persisted, as before the HTTP route's 200) and only then commits that record's
 * offset + 1 synchronously. If the wait or the commit fails the record fails, {@code breakOnFirstError} makes the
 * consumer reconnect and read again from the last committed offset: accepted events of the uncommitted batch are
 * then delivered a second time (duplicates, never losses). A malformed record is dead-lettered, counted as a success
 * of the batch (its offset is committed with the others) and the route keeps consuming.
 */
public final class KafkaIngestRoute extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestRoute.class);

    public static final String ROUTE_ID = "ingest-kafka";
    /** Registry name of the commit factory the endpoint refers to. */
    static final String COMMITS = "layerswapKafkaCommits";

    private final KafkaSettings settings;
    private final RecordSink sink;

    public KafkaIngestRoute(KafkaSettings settings, RecordSink sink) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void configure() {
        getContext().getRegistry().bind(COMMITS, KafkaManualCommitFactory.class, new CommitOnlyWhenAsked());
        from(settings.endpointUri(COMMITS)).routeId(ROUTE_ID).process(this::record);
    }

    private void record(Exchange ex) {
        Message m = ex.getMessage();
        String topic = m.getHeader(KafkaConstants.TOPIC, String.class);
        Integer partition = m.getHeader(KafkaConstants.PARTITION, Integer.class);
        Long offset = m.getHeader(KafkaConstants.OFFSET, Long.class);
        String source = "kafka:" + topic + "/" + partition;
        long position = offset == null ? -1 : offset;
        String reason = sink.offer(source, position, m.getBody(String.class), m.getHeader(KafkaConstants.KEY, String.class));
        if (reason != null && LOG.isDebugEnabled()) {
            LOG.debug("dead letter {} offset {}: {}", source, position, reason);
        }
        if (Boolean.TRUE.equals(m.getHeader(KafkaConstants.LAST_RECORD_BEFORE_COMMIT, Boolean.class))) {
            // throws when not committed in time: the record fails and the batch is read again from the committed offset
            sink.awaitCommitted(source + " up to offset " + position, "its offsets are not committed and are read again");
            KafkaManualCommit commit = m.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException(source + ": no manual commit handle on the record (allowManualCommit off?)");
            }
            commit.commit();
        }
    }

    /**
     * Synchronous manual commits of exactly the offset asked for. Not being Camel's {@code DefaultKafkaManualCommitFactory}
     * is what selects the no-op commit manager, so Camel never commits an offset on its own (not at the end of a
     * partition's records, nor when a failed record makes it reconnect).
     */
    static final class CommitOnlyWhenAsked implements KafkaManualCommitFactory {
        @Override
        public KafkaManualCommit newInstance(CamelExchangePayload exchange, KafkaRecordPayload record, CommitManager manager) {
            return new DefaultKafkaManualSyncCommit(exchange, record, manager);
        }
    }
}
