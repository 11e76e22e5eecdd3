package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which consumer runs for which settings; no broker (a consumer of an unreachable one starts and retries). */
class KafkaRouteRunnerTest {

    /** Never reached: these tests produce no record. */
    private static final RecordSink SINK = new RecordSink() {
        @Override
        public String offer(String source, long position, String raw, String functionId) {
            throw new AssertionError("no record expected");
        }

        @Override
        public void awaitCommitted(String what, String consequence) {
            throw new AssertionError("no commit expected");
        }
    };
    private static final KafkaSettings UNREACHABLE = KafkaSettings.DEFAULT.on("127.0.0.1:1", "invocations");

    private final List<CamelContext> made = new ArrayList<>();
    private final KafkaRouteRunner runner = new KafkaRouteRunner(() -> {
        CamelContext c = new DefaultCamelContext();
        made.add(c);
        return c;
    }, SINK);

    @AfterEach
    void stop() {
        runner.stop();
    }

    @Test
    void disabledSettingsCreateNoConsumer() {
        runner.apply(KafkaSettings.DEFAULT);
        assertNull(runner.running());
        assertEquals(List.of(), made);
        assertEquals(KafkaSettings.DEFAULT, runner.settings());
    }

    @Test
    void enabledSettingsRunTheRouteInItsOwnContextAndANewApplyReplacesIt() {
        runner.apply(UNREACHABLE);
        CamelContext first = runner.running();
        assertNotNull(first);
        assertEquals(ServiceStatus.Started, first.getRouteController().getRouteStatus(KafkaIngestRoute.ROUTE_ID));

        runner.apply(UNREACHABLE.withGroup("other", 10, 100));
        assertEquals(2, made.size());
        assertTrue(first.isStopped(), "the previous consumer is stopped before the next starts");
        assertEquals(ServiceStatus.Started, runner.running().getRouteController().getRouteStatus(KafkaIngestRoute.ROUTE_ID));

        runner.apply(KafkaSettings.DEFAULT);
        assertTrue(made.get(1).isStopped());
        assertNull(runner.running());
    }

    @Test
    void aRouteThatCannotStartIsReportedAndLeavesNothingRunning() {
        KafkaRouteRunner noKafka = new KafkaRouteRunner(() -> {
            CamelContext c = new DefaultCamelContext();
            // "kafka:" resolves to a component that is not camel-kafka's: the route cannot be created
            c.getRegistry().bind("kafka", new SedaComponent());
            made.add(c);
            return c;
        }, SINK);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> noKafka.apply(UNREACHABLE));
        assertTrue(e.getMessage().startsWith("Kafka ingest route not started (KafkaSettings[enabled=true, brokers=127.0.0.1:1"),
                e.getMessage());
        assertTrue(e.getMessage().contains("is the feature layerswap-kafka (camel-kafka) installed?"), e.getMessage());
        assertNull(noKafka.running());
        assertTrue(made.get(0).isStopped());
    }
}
