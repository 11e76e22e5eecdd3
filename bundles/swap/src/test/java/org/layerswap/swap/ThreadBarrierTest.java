package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ThreadBarrierTest {

    /** A task that ignores interrupts, as a mount(2) in flight does, must end before stop returns. */
    @Test
    void stopReturnsOnlyOnceTheTaskInFlightHasEnded() throws Exception {
        ExecutorService a = Executors.newSingleThreadExecutor();
        ExecutorService b = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        b.execute(() -> {
            started.countDown();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // not interruptible
            }
            ended.set(true);
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        ThreadBarrier.stop(a, "a", b, "b");
        assertTrue(ended.get(), "the task in flight ended before stop returned");
        assertTrue(a.isTerminated() && b.isTerminated());
    }
}
