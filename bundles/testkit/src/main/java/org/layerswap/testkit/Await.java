package org.layerswap.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for something that WILL happen (a positive check). Never use it to show that something did
 * not happen: for a negative check, wait for a later event that is ordered after it (a latch, a flush
 * barrier) or drive an injected clock, then assert.
 */
public final class Await {

    private static final long POLL_MILLIS = 5;

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds; throws an {@link AssertionError} naming {@code what}
     * when it does not hold within {@code timeout}. The condition is evaluated once more at the deadline,
     * so a condition that becomes true exactly then still passes.
     */
    public static void until(Duration timeout, BooleanSupplier condition, String what) {
        until(timeout, condition, () -> what);
    }

    /** As {@link #until(Duration, BooleanSupplier, String)}; {@code what} is built only on failure (e.g. with current stats). */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                if (condition.getAsBoolean()) {
                    return;
                }
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what.get(), e);
            }
        }
    }
}
