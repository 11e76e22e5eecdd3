package org.layerswap.swap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerId;

/**
 * The live next-use planner's dense indexes (planner thread only): function ids and layer ids to the
 * {@link NextUsePlanning}'s ints, the function ↔ layer arrays, layer sizes and each function's last run seen here.
 *
 * <p>Invariants: an index once given to a function or layer never changes; {@code fnLayers} and {@code layerFns} are
 * inverse as of the last {@link #index}; arrays indexed by layer or function are at least as long as its count.
 */
final class PlannerIndex {

    private final LayerCatalog catalog;
    final Map<String, Integer> functionIndex = new HashMap<>();
    final List<String> functionIds = new ArrayList<>();
    final Map<LayerId, Integer> layerIndex = new HashMap<>();
    final List<LayerId> layerIds = new ArrayList<>();
    int[][] fnLayers = new int[0][];
    int[][] layerFns = new int[0][];
    long[] sizes = new long[0];
    long[] lastSeen = new long[0];

    PlannerIndex(LayerCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    int functions() {
        return functionIds.size();
    }

    int layers() {
        return layerIds.size();
    }

    /** Indexes the functions and layers of {@code m} and rebuilds function ↔ layer arrays. */
    void index(FunctionLayerMap m) {
        for (String fn : m.functions()) {
            function(fn);
            for (LayerId id : m.layersOf(fn)) {
                layer(id);
            }
        }
        int nf = functionIds.size();
        int nl = layerIds.size();
        fnLayers = new int[nf][];
        List<List<Integer>> users = new ArrayList<>();
        for (int l = 0; l < nl; l++) {
            users.add(new ArrayList<>());
        }
        for (int f = 0; f < nf; f++) {
            List<LayerId> ls = m.layersOf(functionIds.get(f));
            fnLayers[f] = new int[ls.size()];
            for (int i = 0; i < ls.size(); i++) {
                int l = layerIndex.get(ls.get(i));
                fnLayers[f][i] = l;
                users.get(l).add(f);
            }
        }
        layerFns = new int[nl][];
        for (int l = 0; l < nl; l++) {
            layerFns[l] = users.get(l).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    int function(String fn) {
        Integer f = functionIndex.get(fn);
        if (f != null) {
            return f;
        }
        int i = functionIds.size();
        functionIndex.put(fn, i);
        functionIds.add(fn);
        lastSeen = grow(lastSeen, i + 1, Long.MIN_VALUE);
        return i;
    }

    int layer(LayerId id) {
        Integer l = layerIndex.get(id);
        if (l != null) {
            return l;
        }
        int i = layerIds.size();
        layerIndex.put(id, i);
        layerIds.add(id);
        LayerRef ref = catalog.source(id);
        sizes = grow(sizes, i + 1, ref == null ? 1 : Math.max(1, ref.descriptor().sizeBytes()));
        if (i >= layerFns.length) {
            int old = layerFns.length;
            layerFns = java.util.Arrays.copyOf(layerFns, Math.max(i + 1, old * 2));
            for (int k = old; k < layerFns.length; k++) {
                layerFns[k] = new int[0];
            }
        }
        return i;
    }

    private static long[] grow(long[] a, int n, long fill) {
        if (n <= a.length) {
            a[n - 1] = fill;
            return a;
        }
        long[] b = java.util.Arrays.copyOf(a, Math.max(n, a.length * 2));
        java.util.Arrays.fill(b, a.length, b.length, fill);
        return b;
    }

}
