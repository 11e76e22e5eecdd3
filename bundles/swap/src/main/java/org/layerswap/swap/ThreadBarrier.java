package org.layerswap.swap;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * The orderly stop of the swap manager's planner and composer ({@link #stop}), and a test barrier for negative checks ("nothing was removed") over two single-threaded executors that hand work to each
 * other (the swap manager's planner and composer): returns once every task queued on either before the call has run,
 * and the tasks those queued on each other in turn, for {@value #IDLE_ROUNDS} hand-offs. Each executor runs immediate
 * tasks in submission order, so a no-op submitted to it runs after everything queued before. Delayed tasks not yet
 * due (the pin scan, the planner's timer) are not waited for.
 */
final class ThreadBarrier {

    /** Hand-offs between the two threads followed: a to b to a, and so on. */
    static final int IDLE_ROUNDS = 3;
    /** How long each thread is waited for before the barrier fails. */
    static final long IDLE_TIMEOUT_MILLIS = 30_000;

    private ThreadBarrier() {
    }

    /** @throws IllegalStateException when a thread does not reach the no-op within {@value #IDLE_TIMEOUT_MILLIS} ms */
    static void awaitIdle(ExecutorService a, String aName, ExecutorService b, String bName) throws InterruptedException {
        for (int round = 0; round < IDLE_ROUNDS; round++) {
            drain(a, aName);
            drain(b, bName);
        }
    }

    /**
     * Stops both executors (interrupting their tasks) and waits, up to {@value #IDLE_TIMEOUT_MILLIS} ms each, for the
     * task in flight to end: a composition that is mounting an overlay must finish before the caller closes the
     * backend, or its mount outlives the backend's cleanup. Returns early when interrupted (the interrupt is kept).
     */
    static void stop(ExecutorService a, String aName, ExecutorService b, String bName) {
        a.shutdownNow();
        b.shutdownNow();
        try {
            for (ExecutorService e : new ExecutorService[] {a, b}) {
                if (!e.awaitTermination(IDLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                    LoggerFactory.getLogger(ThreadBarrier.class).warn("the {} thread did not stop within {} ms",
                            e == a ? aName : bName, IDLE_TIMEOUT_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(ExecutorService executor, String name) throws InterruptedException {
        try {
            executor.submit(() -> { }).get(IDLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the " + name + " thread did not become idle within " + IDLE_TIMEOUT_MILLIS + " ms", e);
        }
    }
}
