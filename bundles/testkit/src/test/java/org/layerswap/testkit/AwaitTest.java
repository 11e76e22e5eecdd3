package org.layerswap.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsOnceAnotherThreadMakesTheConditionTrue() throws InterruptedException {
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch polled = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                polled.await();
            } catch (InterruptedException e) {
                return;
            }
            done.set(true);
        });
        t.start();
        Await.until(Duration.ofSeconds(10), () -> {
            polled.countDown();
            return done.get();
        }, "the flag");
        assertTrue(done.get());
        t.join();
    }

    @Test
    void aConditionThatNeverHoldsFailsNamingWhatWasAwaited() {
        AtomicInteger evaluations = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.until(Duration.ofMillis(30), () -> evaluations.incrementAndGet() < 0, "the moon"));
        assertTrue(e.getMessage().contains("the moon"), e.getMessage());
        assertTrue(evaluations.get() >= 2, "evaluated again at the deadline");
    }

    @Test
    void theDescriptionOfAFailureIsBuiltWhenItFails() {
        AtomicInteger state = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until(Duration.ofMillis(20),
                () -> state.incrementAndGet() < 0, () -> "state now " + state.get()));
        assertTrue(e.getMessage().contains("state now " + state.get()), e.getMessage());
    }

    @Test
    void anInterruptedWaitFailsAndKeepsTheInterruptFlag() {
        Thread.currentThread().interrupt();
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until(Duration.ofSeconds(10), () -> false, "x"));
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        assertTrue(Thread.interrupted(), "interrupt flag restored (and cleared here)");
    }
}
