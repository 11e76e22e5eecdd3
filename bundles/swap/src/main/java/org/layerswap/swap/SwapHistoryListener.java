package org.layerswap.swap;

import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.SwapRecord;

/**
 * Sees every swap and prefetch record as it is made (e.g. to persist them). Called on the swap
 * manager's worker threads: must be quick and must not throw (exceptions are logged and ignored).
 * A swap produces one record when it starts shadowing and another, with the same id, when it is
 * promoted or rolled back.
 */
public interface SwapHistoryListener {

    default void swapRecorded(SwapRecord record) {
    }

    default void prefetchRecorded(PrefetchRecord record) {
    }
}
