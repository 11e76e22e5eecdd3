package org.layerswap.api;

/**
 * When a function (or a layer) is predicted to be used next, as absolute epoch milliseconds,
 * conditional on no use between its last use and {@code nowMillis} of the prediction.
 *
 * <p>Invariants: {@code earliestMillis <= medianMillis}; {@code overdue} means the idle time already
 * exceeds every gap learned so far, and the times are then an LRU-like guess (now + idle time).
 *
 * @param earliestMillis a low quantile of the next use: a prefetch ready by then is rarely late
 * @param medianMillis   the median next use: the eviction order compares these
 * @param overdue        no learned gap is as long as the current idle time
 */
public record NextUse(long earliestMillis, long medianMillis, boolean overdue) {

    public NextUse {
        if (earliestMillis > medianMillis) {
            throw new IllegalArgumentException("next use: earliest " + earliestMillis + " after median " + medianMillis);
        }
    }
}
