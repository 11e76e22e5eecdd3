package org.layerswap.routes;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.layerswap.routes.api.IngestStats;

/** Thread-safe ingestion counters. */
final class IngestCounters {

    private final Map<String, LongAdder[]> bySource = new ConcurrentHashMap<>();
    final LongAdder skipped = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder deliveryFailed = new LongAdder();
    final LongAdder persistDropped = new LongAdder();
    final LongAdder filesDone = new LongAdder();
    final LongAdder filesFailed = new LongAdder();
    /** Events handed (or about to be handed) to the queue; compared with {@link #consumed} to wait for a drain. */
    final AtomicLong enqueued = new AtomicLong();
    /** Events the queue consumer finished with (delivered or failed). */
    final AtomicLong consumed = new AtomicLong();

    private LongAdder[] source(String source) {
        return bySource.computeIfAbsent(source, s -> new LongAdder[] {new LongAdder(), new LongAdder()});
    }

    void accepted(String source) {
        source(source)[0].increment();
    }

    void rejected(String source) {
        source(source)[1].increment();
    }

    IngestStats snapshot() {
        long acc = 0;
        long rej = 0;
        Map<String, IngestStats.SourceCounts> m = new TreeMap<>();
        for (Map.Entry<String, LongAdder[]> e : bySource.entrySet()) {
            long a = e.getValue()[0].sum();
            long r = e.getValue()[1].sum();
            acc += a;
            rej += r;
            m.put(e.getKey(), new IngestStats.SourceCounts(a, r));
        }
        return new IngestStats(acc, rej, skipped.sum(), delivered.sum(), deliveryFailed.sum(), persistDropped.sum(),
                filesDone.sum(), filesFailed.sum(), Math.max(0, enqueued.get() - consumed.get()), m);
    }
}
