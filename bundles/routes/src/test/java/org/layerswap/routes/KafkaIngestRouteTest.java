package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.layerswap.api.config.SecretToken;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.routes.api.IngestStats;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/**
 * The Kafka route against a real KRaft broker (Kafka 3.9, started by the test on loopback): events reach the same
 * pipeline as the file and HTTP routes (the events queue, the profiler, persistence), malformed records are
 * dead-lettered with their reason, and offsets are committed only after persistence confirmed the events.
 * The ingestion routes and the Kafka route run in two contexts, as in the appliance.
 */
@Timeout(120)
class KafkaIngestRouteTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static KraftBroker broker;

    private final FakeProfiler profiler = new FakeProfiler();
    private final Fakes.Persistence persistence = new Fakes.Persistence();
    private IngestRoutes routes;
    private CamelContext pipeline;
    private CamelContext kafka;
    private String topic;
    private String group;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new KraftBroker();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void startPipeline() throws Exception {
        topic = "invocations-" + TOPICS.incrementAndGet();
        group = "layerswap-" + topic;
        broker.createTopic(topic, 2);
        // no drop folder, no HTTP, no timers; a commit wait of 1 s so that a refused flush fails the batch at once
        RoutesSettings s = new RoutesSettings(null, 0, "/ingest", 64, 0, 0, 1, 256);
        routes = new IngestRoutes(s, EdgeSettings.defaults(SecretToken.generate()), profiler, Clock.systemUTC());
        pipeline = TestSupport.started(routes, persistence);
    }

    @AfterEach
    void stopAll() {
        if (kafka != null) {
            kafka.stop();
        }
        pipeline.stop();
    }

    private void startKafkaRoute() throws Exception {
        KafkaSettings k = KafkaSettings.DEFAULT.on(broker.bootstrap(), topic).withGroup(group, 50, 200);
        kafka = new DefaultCamelContext();
        kafka.addRoutes(new KafkaIngestRoute(k, routes));
        kafka.start();
    }

    private static String event(int n) {
        return "{\"function\":\"fn-" + (n % 7) + "\",\"timestamp\":" + (Fakes.BASE + n) + "}";
    }

    /** Records of events {@code from..to}, keyed by their function id. */
    private static List<String[]> events(int from, int to) {
        List<String[]> r = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            r.add(new String[] {"fn-" + (n % 7), event(n)});
        }
        return r;
    }

    private static BitSet range(int from, int to) {
        BitSet b = new BitSet();
        b.set(from, to + 1);
        return b;
    }

    /** True once the group's committed offsets reached the end of every partition. */
    private boolean allCommitted() {
        try {
            Map<TopicPartition, Long> ends = broker.ends(topic, 2);
            return ends.equals(broker.committed(group));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<DeadLetterRow> kafkaDeadLetters() {
        return persistence.deadLetters().stream().filter(d -> d.source().startsWith("kafka:")).toList();
    }

    @Test
    void everyProducedEventReachesThePipelineAndMalformedRecordsAreDeadLetteredWhileTheRouteKeepsConsuming()
            throws Exception {
        startKafkaRoute();
        broker.produce(topic, events(1, 200));
        List<String[]> bad = List.of(
                new String[] {"fn-1", "not json"},
                new String[] {"fn-2", "{\"timestamp\":" + Fakes.BASE + "}"},
                new String[] {"fn-3", "{\"function\":\"fn-4\",\"timestamp\":" + Fakes.BASE + "}"},
                new String[] {"fn-5", null},
                new String[] {"fn-6", "   "},
                new String[] {"fn-0", "{\"function\":\"fn-0\",\"timestamp\":" + (System.currentTimeMillis() + 86_400_000L) + "}"});
        broker.produce(topic, bad);
        broker.produce(topic, events(201, 300));

        Await.until(WAIT, this::allCommitted, () -> "offsets committed to the end; recorded " + profiler.recorded()
                + ", committed " + safeCommitted() + ", dead letters " + kafkaDeadLetters().size());
        // the commit follows the flush of every event queued before it: all are in by now, each once
        assertEquals(range(1, 300), Fakes.seen(profiler));
        assertEquals(300, profiler.recorded());
        assertEquals(300, persistence.invocations.get());

        List<DeadLetterRow> dead = kafkaDeadLetters();
        assertEquals(bad.size(), dead.size(), () -> dead.toString());
        Map<String, String> reasons = dead.stream().collect(Collectors.toMap(DeadLetterRow::payload, DeadLetterRow::reason));
        assertTrue(reasons.get("not json").toLowerCase().contains("json"), reasons::toString);
        assertTrue(reasons.get("{\"timestamp\":" + Fakes.BASE + "}").contains("function"), reasons::toString);
        assertEquals("record key is not the event's function id (records are keyed by function id)",
                reasons.get("{\"function\":\"fn-4\",\"timestamp\":" + Fakes.BASE + "}"));
        assertEquals("record has no value (a tombstone)", reasons.get(""));
        assertEquals("record value is blank", reasons.get("   "));
        assertTrue(reasons.entrySet().stream().anyMatch(e -> e.getValue().contains("ahead of the clock")), reasons::toString);
        for (DeadLetterRow d : dead) {
            assertTrue(d.source().matches("kafka:" + topic + "/[01]"), d.source());
            assertTrue(d.lineNo() >= 0, "the offset is the dead letter's position: " + d);
        }
        IngestStats.SourceCounts counts = routes.stats().bySource().get("kafka");
        assertEquals(new IngestStats.SourceCounts(300, bad.size()), counts);
    }

    @Test
    void aRestartedConsumerResumesFromTheCommittedOffsetsWithoutLosingOrRepeatingEvents() throws Exception {
        startKafkaRoute();
        broker.produce(topic, events(1, 120));
        Await.until(WAIT, this::allCommitted, () -> "first 120 committed; recorded " + profiler.recorded());
        kafka.stop();
        kafka = null;

        broker.produce(topic, events(121, 250));
        startKafkaRoute();
        Await.until(WAIT, this::allCommitted, () -> "all 250 committed; recorded " + profiler.recorded());
        // a clean stop leaves every consumed record committed: the new consumer starts right after them
        assertEquals(range(1, 250), Fakes.seen(profiler));
        assertEquals(0, Fakes.duplicates(profiler));
        assertEquals(250, persistence.invocations.get());
    }

    @Test
    void offsetsAreNotCommittedWhilePersistenceRefusesTheCommitAndTheBatchIsReadAgainAfterwards() throws Exception {
        persistence.flushSucceeds = false;
        startKafkaRoute();
        broker.produce(topic, events(1, 40));
        // a refused batch fails its record: the consumer reconnects and reads the batch again from the committed offset
        // (the same partition first, so a lasting refusal stalls the topic rather than skipping ahead)
        Await.until(WAIT, () -> persistence.flushes().size() >= 2 && Fakes.duplicates(profiler) > 0,
                () -> "a refused batch read again; recorded " + profiler.recorded() + ", flushes " + persistence.flushes().size());
        // the offset of a record is committed only after a confirmed flush: none happened, so nothing is committed
        assertEquals(Map.of(), broker.committed(group));

        persistence.flushSucceeds = true;
        Await.until(WAIT, this::allCommitted, () -> "committed once flushes succeed; recorded " + profiler.recorded());
        // at-least-once: nothing lost; the events of the refused batches reached the profiler more than once
        assertEquals(range(1, 40), Fakes.seen(profiler));
    }

    private String safeCommitted() {
        try {
            return broker.committed(group).toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
