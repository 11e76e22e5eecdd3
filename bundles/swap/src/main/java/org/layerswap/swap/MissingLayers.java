package org.layerswap.swap;

import java.util.Arrays;

/**
 * How many base layers each function misses, kept current from the node's presence changes instead of counted again
 * in every ranking pass (issue 13, cost at scale): {@link BrokenStacks} asks, for every resident layer it ranks,
 * whether all its local users miss another layer, and a shared base layer has hundreds of users.
 * <p>
 * A layer is <em>present</em> when it is resident or being fetched. Invariants, for every function {@code f} and layer
 * {@code l} (an index listed twice counts twice, as a recount would):
 * <pre>
 *   missing[f] = |{ o in layersOf(f) : !present[o] }|
 *   whole[l]   = |{ f in functionsUsing(l) : local(f) and missing[f] == 0 }|
 *   present[l] = node.resident(l) || node.queued(l) as of the last {@link #refresh} of l
 * </pre>
 * They hold only for a node that has the planning {@link #refresh} a layer on every change of its presence
 * ({@link NextUsePlanning.Node#reportsPresence}); the function-to-layer map and {@code local} must not change after
 * {@link #resize}. One thread (the planning's).
 */
final class MissingLayers {

    private final NextUsePlanning.Node node;
    private boolean[] present = new boolean[0];
    private int[] missing = new int[0];
    private int[] whole = new int[0];
    private int functions;
    private int layers;

    MissingLayers(NextUsePlanning.Node node) {
        this.node = node;
    }

    /** Grows to {@code functions} and {@code layers}; new layers start absent, new functions are counted. */
    void resize(int functions, int layers) {
        if (layers > this.layers) {
            present = Arrays.copyOf(present, layers);
            whole = Arrays.copyOf(whole, layers);
            this.layers = layers;
        }
        if (functions > this.functions) {
            missing = Arrays.copyOf(missing, functions);
            for (int f = this.functions; f < functions; f++) {
                int m = 0;
                for (int o : node.layersOf(f)) {
                    m += present[o] ? 0 : 1;
                }
                missing[f] = m;
                if (m == 0 && node.local(f)) {
                    addWhole(f, 1);
                }
            }
            this.functions = functions;
        }
    }

    /** Reads layer {@code l}'s presence from the node again and updates the counts when it changed. */
    void refresh(int l) {
        boolean p = node.resident(l) || node.queued(l);
        if (l >= layers || present[l] == p) {
            return;
        }
        present[l] = p;
        int delta = p ? -1 : 1;
        for (int f : node.functionsUsing(l)) {
            int before = missing[f];
            missing[f] = before + delta;
            if (node.local(f)) {
                if (before == 0) {
                    addWhole(f, -1);
                } else if (missing[f] == 0) {
                    addWhole(f, 1);
                }
            }
        }
    }

    /**
     * Whether every local function using {@code l} misses another of its base layers ({@code l} itself not counted);
     * false when no local function uses it. O(1) for a present layer, O(users) otherwise.
     */
    boolean allUsersMissAnother(int l) {
        int local = 0;
        if (present[l]) {
            for (int f : node.functionsUsing(l)) { // the first local user settles it: whole[l] counts them all
                if (node.local(f)) {
                    return whole[l] == 0;
                }
            }
            return false;
        }
        for (int f : node.functionsUsing(l)) {
            if (node.local(f)) {
                if (missing[f] < 2) {
                    return false;
                }
                local++;
            }
        }
        return local > 0;
    }

    int missing(int f) {
        return missing[f];
    }

    private void addWhole(int f, int delta) {
        for (int o : node.layersOf(f)) {
            whole[o] += delta;
        }
    }
}
