package org.layerswap.swap;

import java.util.Arrays;

import org.layerswap.api.FetchBudgetStatus;

/**
 * The node's bandwidth budget (issue 13): the bytes it fetches, on demand and prefetched, stay within {@code ratio}
 * times the bytes a plain LRU cache of the same size would fetch for the same requests. The size-aware eviction order
 * trades bytes for misses: it evicts big layers, and they come back on demand. This class sets the price of a fetched
 * byte that bounds that trade ({@link NextUseEvictionPlanner#bytePrice}).
 * <p>
 * The reference is a ghost LRU over layer indexes and sizes (no data): each layer an invocation asks for is looked up
 * and, when absent, counted as fetched and inserted, the least recently asked leaving until the node's budget holds.
 * Both byte counts decay with the time constant {@code window}, so the ratio is a recent one. At each {@link #update}
 * (once per planning pass), while the ratio is above the budget the price doubles every half window, starting from
 * 1 / the largest layer seen (the least price that changes a key by half: the largest layer's); while it is at or
 * below the budget the price halves at the same pace, and is 0 again below that start.
 * <p>
 * Why a controller and not a fixed price: the price that meets a budget depends on the node and the workload (the
 * Azure day fits 1.06x LRU's bytes at 20 GB with no price, and needs one at 40 GB); a fixed price that met it at 40 GB
 * cost 7 % more misses at 20 GB (docs/replay.md, session 13).
 * <p>
 * The budget binds over an accounting period (the node's lifetime, or from {@link #startPeriod}: a replay starts it where
 * it starts measuring), and the window's ratio is only how fast the controller sees an excess. While the period's own
 * total is below {@link #LEND_SHARE} of the way from the reference's bytes to the budget ({@code 1 + (ratio - 1) / 2}
 * times them at 1.5: 1.25x), the budget lends: a window over it does not raise the price (the price falls as when
 * under). A node far under its budget for the period then pays no misses for a short excess (a few big re-fetches in an
 * hour where LRU fetched little); once the period's total passes that point, the window controller acts as before, and
 * the other half of the allowance is the room its reaction time needs (docs/replay.md, session 16).
 * <p>
 * Invariants: the price is 0 while the budget is off ({@code ratio} 0) and until the node has fetched more than
 * {@code ratio} times the reference in a window at a time its period's total was past the lending point; it rises
 * only then; the ghost holds at most the node's budget, plus the one layer just
 * asked for when it alone exceeds it. Not thread-safe (the planning's thread).
 */
final class FetchBudget {

    /** Doublings (or halvings) of the price per window while the ratio stays above (or below) the budget. */
    private static final double PACE = 2;
    private static final int NIL = -1;

    private double ratio;
    private double windowMillis;
    private long budgetBytes;
    /**
     * The ghost, side by side per layer (one cache line per visit): {@code cell[2l]} = previous (high 32 bits) and next
     * (low) layer in recency order, {@code cell[2l+1]} = its bytes as counted (at least 1), 0 while not held.
     */
    private long[] cell = {};
    private int head = NIL;
    private int tail = NIL;
    private long ghostBytes;
    /** The largest layer the reference has fetched: 1 / it is the price's start. */
    private long largest = 1;
    /**
     * Share of the allowance over LRU's bytes ({@code ratio - 1}) the period's total may use before a window's excess
     * raises the price; the rest is left for the controller's reaction time.
     */
    static final double LEND_SHARE = 0.5;

    private double own;
    private double reference;
    /** The node's and the reference's bytes since the period started (not decayed). */
    private double periodOwn;
    private double periodReference;
    private long last = Long.MIN_VALUE;
    private double price;

    FetchBudget(double ratio, long windowMillis, long budgetBytes) {
        configure(ratio, windowMillis, budgetBytes);
    }

    /**
     * A new budget ({@code ratio} 0: none), window and node size ({@code budgetBytes}: what the ghost may hold, read
     * here once rather than per request: a live store sums its residents to answer); the ghost and the counts are kept.
     */
    void configure(double ratio, long windowMillis, long budgetBytes) {
        if (!(ratio >= 0) || Double.isInfinite(ratio) || windowMillis < 1) {
            throw new IllegalArgumentException("fetch budget: the ratio to LRU's bytes must be finite and >= 0 (0: off), "
                    + "the window >= 1 ms; got " + ratio + ", " + windowMillis + " ms");
        }
        this.ratio = ratio;
        this.windowMillis = windowMillis;
        this.budgetBytes = budgetBytes;
        if (ratio == 0) {
            price = 0;
        }
    }

    void resize(int layers) {
        if (2 * layers > cell.length) {
            cell = Arrays.copyOf(cell, 2 * layers);
        }
    }

    /** An invocation asked for layer {@code l} of {@code bytes}, resident on the node or not. */
    void requested(int l, long bytes) {
        if (cell[2 * l + 1] != 0) {
            if (l != head) {
                unlink(l);
                pushFront(l);
            }
            return;
        }
        long counted = Math.max(1, bytes);
        reference += counted;
        periodReference += counted;
        largest = Math.max(largest, counted);
        cell[2 * l + 1] = counted;
        pushFront(l);
        ghostBytes += counted;
        while (ghostBytes > budgetBytes && tail != l) {
            int v = tail;
            unlink(v);
            ghostBytes -= cell[2 * v + 1];
            cell[2 * v + 1] = 0;
        }
    }

    /** The node fetched {@code bytes}: an on-demand fetch or a prefetch, kept or not. */
    void fetched(long bytes) {
        own += bytes;
        periodOwn += bytes;
    }

    /**
     * Starts a new accounting period at the next request: the totals the budget lends against restart from zero; the
     * ghost, the window's counts and the price are kept.
     */
    void startPeriod() {
        periodOwn = 0;
        periodReference = 0;
    }

    /** Whether the period's total leaves room to lend (see the class comment): a window's excess raises no price. */
    boolean lending() {
        return periodOwn < (1 + (ratio - 1) * LEND_SHARE) * periodReference;
    }

    /** Decays the counts to {@code now} and moves the price; returns it (misses per byte). */
    double update(long now) {
        if (last != Long.MIN_VALUE && now > last) {
            double dt = now - last;
            double decay = Math.exp(-dt / windowMillis);
            own *= decay;
            reference *= decay;
            if (ratio > 0) {
                double step = Math.pow(2, dt * PACE / windowMillis);
                double start = 1.0 / largest;
                // no reference yet (prefetches before any request): no budget
                if (reference > 0 && own > ratio * reference && !lending()) {
                    price = price == 0 ? start : price * step;
                } else {
                    price = price / step < start ? 0 : price / step;
                }
            }
        }
        last = Math.max(last, now);
        return price;
    }

    double price() {
        return price;
    }

    /** The window's ratio, the budget, {@code price} (the one the order uses) and the period's ratio for operators. */
    FetchBudgetStatus status(double price) {
        return new FetchBudgetStatus(ratioNow(), ratio, price, periodReference == 0 ? Double.NaN : periodOwn / periodReference);
    }

    /** The node's fetched bytes over the reference's in the window (NaN before any request). */
    double ratioNow() {
        return reference == 0 ? Double.NaN : own / reference;
    }

    /** Bytes the ghost LRU holds. */
    long referenceResidentBytes() {
        return ghostBytes;
    }

    private static long links(int prev, int next) {
        return (long) prev << 32 | (next & 0xffff_ffffL);
    }

    private void pushFront(int l) {
        cell[2 * l] = links(NIL, head);
        if (head != NIL) {
            cell[2 * head] = links(l, (int) cell[2 * head]);
        }
        head = l;
        if (tail == NIL) {
            tail = l;
        }
    }

    private void unlink(int l) {
        int p = (int) (cell[2 * l] >> 32);
        int n = (int) cell[2 * l];
        if (p != NIL) {
            cell[2 * p] = links((int) (cell[2 * p] >> 32), n);
        } else {
            head = n;
        }
        if (n != NIL) {
            cell[2 * n] = links(p, (int) cell[2 * n]);
        } else {
            tail = p;
        }
    }
}
