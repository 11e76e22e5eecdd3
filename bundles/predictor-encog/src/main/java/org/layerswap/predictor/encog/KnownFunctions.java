package org.layerswap.predictor.encog;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The functions the predictor draws its training samples from: at most {@code cap} ids, the least
 * recently seen forgotten first (like the profiler's {@code FunctionEviction}), so a flood of distinct
 * function ids (a hostile ingest client) cannot grow the heap without bound.
 *
 * <p>Invariants: {@code size() <= cap}; every id is in the recency map and in exactly one slot of the
 * id array (the map's value), so a uniformly random tracked id is one array read; seeing a tracked id
 * only moves it to the recent end (no allocation); a new id beyond the cap takes the slot of the least
 * recently seen one. Not thread-safe: the predictor's observe lock guards it.
 */
final class KnownFunctions {

    private int cap;
    /** id -> its slot in {@link #ids}, least recently seen first. */
    private final LinkedHashMap<String, Integer> recency = new LinkedHashMap<>(16, 0.75f, true);
    private final ArrayList<String> ids = new ArrayList<>();
    private long evicted;

    KnownFunctions(int cap) {
        this.cap = positive(cap);
    }

    /** Records that {@code id} was seen; forgets the least recently seen id when a new one exceeds the cap. */
    void seen(String id) {
        if (recency.get(id) != null) {
            return; // moved to the recent end by the access-ordered map
        }
        if (recency.size() >= cap) {
            Iterator<Map.Entry<String, Integer>> eldest = recency.entrySet().iterator();
            int slot = eldest.next().getValue();
            eldest.remove();
            ids.set(slot, id);
            recency.put(id, slot);
            evicted++;
        } else {
            recency.put(id, ids.size());
            ids.add(id);
        }
    }

    /** A uniformly random tracked id; the set must not be empty. */
    String random(Random random) {
        return ids.get(random.nextInt(ids.size()));
    }

    int size() {
        return ids.size();
    }

    /** Ids forgotten so far to stay within the cap. */
    long evicted() {
        return evicted;
    }

    /** A new cap; a smaller one forgets the least recently seen ids beyond it at once. */
    void resize(int newCap) {
        cap = positive(newCap);
        if (ids.size() <= cap) {
            return;
        }
        Iterator<Map.Entry<String, Integer>> it = recency.entrySet().iterator();
        int excess = ids.size() - cap;
        for (int i = 0; i < excess; i++) {
            it.next();
            it.remove();
            evicted++;
        }
        ids.clear(); // renumber the survivors densely
        for (Map.Entry<String, Integer> e : recency.entrySet()) {
            e.setValue(ids.size());
            ids.add(e.getKey());
        }
    }

    private static int positive(int cap) {
        if (cap <= 0) {
            throw new IllegalArgumentException("maxTrackedFunctions must be > 0, got " + cap);
        }
        return cap;
    }
}
