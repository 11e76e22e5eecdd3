package org.layerswap.containerd.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.layerswap.containerd.proto.events.Envelope;
import org.layerswap.testkit.Await;

class EventStreamTest {

    static Envelope env(String topic) {
        return Envelope.newBuilder().setTopic(topic).build();
    }

    /** containerd down twice, then a stream of two events that ends (containerd restarted), then a stream that stays open. */
    static final class FlakyContainerd implements EventStream.Source {
        final AtomicInteger attempts = new AtomicInteger();
        final List<List<String>> filters = new CopyOnWriteArrayList<>();
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public void probe() {
            if (attempts.incrementAndGet() <= 2) {
                throw new IllegalStateException("UNAVAILABLE: connection refused");
            }
        }

        @Override
        public Iterator<Envelope> subscribe(List<String> f) {
            filters.add(f);
            if (attempts.get() == 3) {
                return List.of(env("/tasks/start"), env("/tasks/exit")).iterator();
            }
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    open.countDown();
                    try {
                        Thread.sleep(Long.MAX_VALUE); // open until cancelled
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("CANCELLED", e);
                    }
                    return false;
                }

                @Override
                public Envelope next() {
                    throw new IllegalStateException();
                }
            };
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void itRetriesWithADoublingBackoffDeliversEverythingAndResubscribesWhenTheStreamEnds() throws Exception {
        FlakyContainerd containerd = new FlakyContainerd();
        List<String> delivered = new CopyOnWriteArrayList<>();
        List<Long> waits = new CopyOnWriteArrayList<>();
        EventStream s = new EventStream(containerd, e -> delivered.add(e.getTopic()), waits::add, 10, 15).start();
        try {
            assertTrue(containerd.open.await(10, TimeUnit.SECONDS));
            Await.until(Duration.ofSeconds(10), s::connected, () -> "subscribed again");
            assertEquals(List.of("/tasks/start", "/tasks/exit"), delivered);
            assertEquals(List.of(10L, 15L, 10L), waits, "doubling to the cap, back to the minimum after a subscription");
            assertEquals(1, s.reconnects());
            assertEquals(EventDecoder.filters(), containerd.filters.get(0));
        } finally {
            s.close();
        }
        assertFalse(s.connected(), "closed: the subscription was cancelled");
        assertEquals(4, containerd.attempts.get(), "no attempt after close");
    }

    @Test
    void aBackoffThatIsNotPositiveOrBelowItsMinimumIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EventStream(new FlakyContainerd(), x -> { }, w -> { }, 0, 10));
        assertEquals("backoff must be 0 < min <= max, got 0 and 10", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EventStream(new FlakyContainerd(), x -> { }, w -> { }, 20, 10));
    }
}
