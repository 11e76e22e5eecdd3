package org.layerswap.fs.common;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.layerswap.fs.common.GenerationalBackend.Generation;

/**
 * What a {@link GenerationalBackend} knows of one function: its directory, the current generation,
 * the retired ones not yet torn down, and the lease count. Fields are guarded by the object's own
 * monitor; {@link #buildLock} serialises composes (and removal) of the function. Invariants: a
 * generation is current or retired, never both; a retired generation is torn down only with no
 * lease ({@code refs == 0}) and, unless forced, after the grace period.
 */
final class FunctionState {

    /** Retired generations now due for teardown, and when the next one falls due (Long.MAX_VALUE: none waits). */
    record Due(List<Generation> generations, long soonestNanos) {
    }

    final String id;
    final Path dir;
    final Object buildLock = new Object();
    Generation current;
    final List<Generation> retired = new ArrayList<>();
    int leases;
    boolean removed;
    boolean deleted;
    long nextGen = 1;

    FunctionState(String id, Path dir) {
        this.id = id;
        this.dir = dir;
    }

    /** Moves {@code g} (no longer current) to the retired list; caller holds this monitor. */
    void retire(Generation g, long nowNanos) {
        g.retiredAtNanos = nowNanos;
        g.retired = true;
        retired.add(g);
    }

    /**
     * Takes the retired generations without leases whose grace period is over (all of them when
     * {@code ignoreGrace}) off the retired list.
     */
    synchronized Due takeDue(long nowNanos, long graceNanos, boolean ignoreGrace) {
        List<Generation> due = new ArrayList<>();
        long soonest = Long.MAX_VALUE;
        for (Iterator<Generation> it = retired.iterator(); it.hasNext(); ) {
            Generation g = it.next();
            if (g.refs == 0) {
                long age = nowNanos - g.retiredAtNanos;
                if (ignoreGrace || age >= graceNanos) {
                    it.remove();
                    due.add(g);
                } else {
                    soonest = Math.min(soonest, graceNanos - age);
                }
            }
        }
        return new Due(due, soonest);
    }

    /** Removed, and nothing left to tear down or leased: its directory can go. Caller holds this monitor. */
    boolean isDisposable() {
        return removed && current == null && retired.isEmpty() && leases == 0;
    }
}
