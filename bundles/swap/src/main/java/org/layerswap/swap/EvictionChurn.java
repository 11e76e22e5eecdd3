package org.layerswap.swap;

/**
 * How many bytes the node evicts per unit of time, learned from its evictions (issue 13), so a prefetch is admitted
 * only when it can be expected to survive until it is needed ({@link NextUsePlanning#tryPrefetch}): between now and
 * its need the node will evict about {@code rate × distance} more bytes, the largest eviction keys first, so that many
 * resident bytes must rank above the incoming layer besides the room it takes now. A layer prefetched without that
 * cover is the victim of the next misses (replay: prefetched layers evicted while their predicted use was still
 * ahead were most of the wasted bytes).
 * <pre>
 *   rate = bytes evicted after the first eviction / time since the first eviction
 * </pre>
 * Every eviction counts once, wherever it was decided ({@link NextUsePlanning#onEvict}: on-demand room, prefetch room,
 * the live store's own evictions), at the latest time the planning was told. Zero until a second eviction gives a
 * rate; an eviction before any time was reported ({@code Long.MIN_VALUE}) is ignored. Not thread-safe (the planning's
 * thread).
 */
final class EvictionChurn {

    private long since = Long.MIN_VALUE;
    private long bytes;

    /** {@code size} bytes were evicted at {@code now}. */
    void evicted(long now, long size) {
        if (now == Long.MIN_VALUE) {
            return;
        }
        if (since == Long.MIN_VALUE) {
            since = now;
        } else {
            bytes += Math.max(0, size);
        }
    }

    /** Bytes the node can be expected to evict in the {@code millis} after {@code now} (0 while unknown; at most a
     *  quarter of {@code Long.MAX_VALUE}, so adding a room to it cannot overflow). */
    long expectedBytes(long now, long millis) {
        if (since == Long.MIN_VALUE || now <= since || millis <= 0) {
            return 0;
        }
        return (long) Math.min(Long.MAX_VALUE / 4, (double) bytes / (now - since) * millis);
    }
}
