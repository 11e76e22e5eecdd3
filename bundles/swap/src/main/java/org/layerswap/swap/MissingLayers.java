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
 *   usedLocally[l] = some local f has l in layersOf(f)
 * </pre>
 * They hold only for a node that has the planning {@link #refresh} a layer on every change of its presence
 * ({@link NextUsePlanning.Node#reportsPresence}); the function-to-layer map and {@code local} must not change after
 * {@link #resize}. One thread (the planning's).
 */
final class MissingLayers {

    /** Bits of {@link #state}. */
    private static final int PRESENT = 1;
    private static final int USED_LOCALLY = 2;
    private static final int WHOLE = 4;

    private final NextUsePlanning.Node node;
    /**
     * Per layer, packed so the question asked of every resident layer in every ranking pass is one array read:
     * bit 0 = {@code present[l]}, bit 1 = {@code usedLocally[l]}, bits 2.. = {@code whole[l]}. So a present
     * layer whose local users all miss another layer is exactly {@code state[l] == PRESENT | USED_LOCALLY}.
     */
    private int[] state = new int[0];
    private int[] missing = new int[0];
    private int functions;
    private int layers;

    MissingLayers(NextUsePlanning.Node node) {
        this.node = node;
    }

    /** Grows to {@code functions} and {@code layers}; new layers start absent, new functions are counted. */
    void resize(int functions, int layers) {
        if (layers > this.layers) {
            state = Arrays.copyOf(state, layers);
            this.layers = layers;
        }
        if (functions > this.functions) {
            missing = Arrays.copyOf(missing, functions);
            for (int f = this.functions; f < functions; f++) {
                int m = 0;
                boolean local = node.local(f);
                for (int o : node.layersOf(f)) {
                    m += (state[o] & PRESENT) != 0 ? 0 : 1;
                    state[o] |= local ? USED_LOCALLY : 0;
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
        if (l >= layers || ((state[l] & PRESENT) != 0) == p) {
            return;
        }
        state[l] ^= PRESENT;
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
        int st = state[l];
        if ((st & PRESENT) != 0) { // whole[l] counts every local user
            return st == (PRESENT | USED_LOCALLY);
        }
        int local = 0;
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
            state[o] += delta * WHOLE;
        }
    }
}
