package org.layerswap.metrics;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.PrefetchRecord;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts prefetches started ({@code layerswap_prefetches_started_total}): a prefetch counts when it is first seen in
 * the swap manager's in-flight list ({@link #inFlight}, sampled) or, if it finished between two samples, when its
 * record arrives ({@link #finished}). Invariant: each prefetch id counts once; ids seen in flight are kept until their
 * record arrives, and the most recent {@value #RECENT} finished ids are remembered so that a stale in-flight sample
 * taken before the record arrived does not count it again. Memory: bounded by the in-flight prefetches plus
 * {@value #RECENT}.
 */
public final class PrefetchStarts {

    static final int RECENT = 4096;

    private final Counter started;
    private final Set<Long> inFlight = new HashSet<>();
    private final Set<Long> recent = new HashSet<>();
    private final Deque<Long> recentOrder = new ArrayDeque<>();

    public PrefetchStarts(MeterRegistry registry) {
        started = Counter.builder("layerswap.prefetches.started").description("Prefetches the swap manager started")
                .register(registry);
    }

    /** The fetches in flight now (any priority; only prefetches count). */
    public synchronized void inFlight(Collection<PrefetchRecord> records) {
        for (PrefetchRecord r : records) {
            if (r.priority() == FetchPriority.PREFETCH && !recent.contains(r.id()) && inFlight.add(r.id())) {
                started.increment();
            }
        }
    }

    /** A finished fetch's record (any priority; only prefetches count). */
    public synchronized void finished(PrefetchRecord r) {
        if (r.priority() != FetchPriority.PREFETCH || recent.contains(r.id())) {
            return;
        }
        if (!inFlight.remove(r.id())) {
            started.increment(); // started and finished between two samples
        }
        recent.add(r.id());
        recentOrder.addLast(r.id());
        if (recentOrder.size() > RECENT) {
            recent.remove(recentOrder.removeFirst());
        }
    }

    /** Finished ids remembered now (at most {@value #RECENT}). */
    synchronized int remembered() {
        return recent.size();
    }
}
