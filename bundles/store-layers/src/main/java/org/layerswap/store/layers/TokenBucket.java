package org.layerswap.store.layers;

/**
 * Token bucket limiting bytes per second: {@link #acquire} blocks until {@code n} tokens are there.
 * Capacity (burst) is one second of rate. Rate 0 means unlimited. Thread-safe.
 */
public final class TokenBucket {

    private long ratePerSecond;
    private double tokens;
    private long lastRefill = System.nanoTime();

    public TokenBucket(long ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
        this.tokens = ratePerSecond;
    }

    public synchronized void setRate(long ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
        tokens = Math.min(tokens, ratePerSecond);
        notifyAll();
    }

    public synchronized long rate() {
        return ratePerSecond;
    }

    /** Takes {@code n} tokens, waiting as long as needed; may go into debt for a request larger than the burst. */
    public synchronized void acquire(long n) throws InterruptedException {
        while (ratePerSecond > 0) {
            refill();
            if (tokens >= Math.min(n, ratePerSecond)) {
                tokens -= n; // may go negative for n > capacity: later callers wait it off
                return;
            }
            double missing = Math.min(n, ratePerSecond) - tokens;
            long waitNanos = (long) Math.ceil(missing * 1e9 / ratePerSecond);
            long ms = Math.max(1, waitNanos / 1_000_000);
            wait(ms);
        }
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(ratePerSecond, tokens + (now - lastRefill) * (double) ratePerSecond / 1e9);
        lastRefill = now;
    }
}
