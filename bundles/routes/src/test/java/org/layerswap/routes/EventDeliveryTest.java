package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.layerswap.api.InvocationEvent;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

@Timeout(30)
class EventDeliveryTest {

    /** A cluster-like profiler: every batch's acceptance is a future the test completes. */
    static final class PendingProfiler extends FakeProfiler {
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        final List<List<InvocationEvent>> batches = new ArrayList<>();

        @Override
        public synchronized CompletionStage<Void> recordBatch(List<InvocationEvent> events) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            batches.add(events);
            pending.add(f);
            return f;
        }
    }

    private final PendingProfiler profiler = new PendingProfiler();
    private final IngestCounters counters = new IngestCounters();
    private final Fakes.Persistence persistence = new Fakes.Persistence();
    private final List<String> deadLetters = new ArrayList<>();
    private final EventDelivery delivery = new EventDelivery(profiler, counters, persistence::service,
            (source, position, raw, reason) -> deadLetters.add(source + " " + raw + ": " + reason), 4);

    private static List<InvocationEvent> events(String fn, int n) {
        List<InvocationEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(InvocationEvent.of(fn, Fakes.BASE + i));
        }
        return out;
    }

    private EventDelivery.Batch queue(List<InvocationEvent> events, EventDelivery.Failures failures) {
        delivery.reserve(events.size());
        EventDelivery.Batch b = new EventDelivery.Batch(events, failures);
        delivery.deliver(b);
        return b;
    }

    @Test
    void aBatchSettlesAndIsPersistedOnlyOnceTheProfilerAcceptedItAndALaterOneDoesNotOvertakeIt() {
        queue(events("a", 2), null);
        queue(events("b", 1), null);
        assertEquals(2, profiler.batches.size(), "the second batch went out before the first was accepted");
        assertEquals(3, counters.enqueued.get());
        profiler.pending.get(1).complete(null);
        assertEquals(1, persistence.invocations.get(), "the accepted batch is persisted");
        assertEquals(0, counters.consumed.get(), "but an earlier batch is in flight: nothing counts as consumed yet");
        profiler.pending.get(0).complete(null);
        assertEquals(3, counters.consumed.get());
        assertEquals(3, persistence.invocations.get());
        assertEquals(3, counters.snapshot().delivered());
    }

    @Test
    void aBatchTheProfilerDidNotAcceptIsDeadLetteredCountedAgainstItsSourceAndNotPersisted() {
        EventDelivery.Failures failures = new EventDelivery.Failures();
        queue(events("a", 2), failures);
        profiler.pending.get(0).completeExceptionally(new IllegalStateException("owner unreachable"));
        assertEquals(2, failures.count());
        assertEquals(2, counters.snapshot().deliveryFailed());
        assertEquals(0, persistence.invocations.get());
        assertEquals(2, deadLetters.size());
        assertTrue(deadLetters.get(0).endsWith("delivery failed: java.lang.IllegalStateException: owner unreachable"), deadLetters.get(0));
        assertEquals(2, counters.consumed.get(), "a failed batch is settled: waiters are released, and told by the failures");
    }

    @Test
    void aProfilerThatThrowsInsteadOfFailingTheStageFailsTheBatchAlike() {
        FakeProfiler throwing = new FakeProfiler().beforeRecord(e -> {
            throw new IllegalStateException("behavioral profiler is not active");
        });
        EventDelivery d = new EventDelivery(throwing, counters, persistence::service, (s, p, r, reason) -> deadLetters.add(reason), 4);
        EventDelivery.Failures failures = new EventDelivery.Failures();
        d.reserve(1);
        d.deliver(new EventDelivery.Batch(events("a", 1), failures));
        assertEquals(1, failures.count());
        assertEquals(List.of("delivery failed: java.lang.IllegalStateException: behavioral profiler is not active"), deadLetters);
    }

    @Test
    void aProducerWaitsForRoomUntilEventsInFlightAreAccepted() throws Exception {
        queue(events("a", 3), null);
        Thread producer = new Thread(() -> delivery.reserve(2));
        producer.start();
        Await.until(Duration.ofSeconds(10), () -> producer.getState() == Thread.State.WAITING,
                "the producer blocks: 3 of 4 places are in flight");
        assertEquals(3, counters.enqueued.get());
        profiler.pending.get(0).complete(null);
        producer.join(10_000);
        assertEquals(Thread.State.TERMINATED, producer.getState());
        assertEquals(5, counters.enqueued.get());
    }

    @Test
    void aBatchLargerThanTheQueueOrEmptyIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> delivery.reserve(5)).getMessage()
                .contains("a batch of 5 events does not fit a queue of 4"));
        assertThrows(IllegalArgumentException.class, () -> new EventDelivery.Batch(List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new EventDelivery(profiler, counters, persistence::service, (s, p, r, x) -> { }, 0));
    }
}
