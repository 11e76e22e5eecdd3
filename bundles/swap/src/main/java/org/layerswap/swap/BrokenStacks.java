package org.layerswap.swap;

import java.util.Arrays;

/**
 * What a resident layer is worth once every function using it already misses another of its layers (issue 13).
 *
 * <p>The product counts invocations that fetch anything on the critical path, so a function is whole or it is not.
 * When each function using layer {@code l} is already <em>broken</em> (some other base layer of it is neither
 * resident nor being fetched), keeping {@code l} saves a miss only if a prefetch makes the function whole again before
 * it runs; when it runs broken, the on-demand fetch that restores the missing layers would have restored {@code l} as
 * well. With {@code q} the probability that a broken function is made whole by a prefetch before its next run, keeping
 * {@code l} is worth {@code q} times what it is worth to a whole function, so its eviction key (byte-time per hit,
 * {@link NextUseEvictionPlanner}) is divided by {@code q}:
 * <pre>
 *   weight = 1 / q,   q = (restored + 1) / (restored + ranBroken + 2)     (Laplace: 1/2 before any outcome)
 *   restored   : a function seen broken later made whole by a completed prefetch, before it ran
 *   ranBroken  : a function seen broken that ran before that (its run found it broken)
 * </pre>
 * {@code q} is learned online on the node, from the functions this class saw broken while ranking victims (the
 * population the weight is applied to); nothing is fitted. Where prefetching restores nothing, {@code q} tends to 0
 * and such layers go first; where it restores every broken function, the weight tends to 1 and the order is the
 * plain space-time order. Dense function indexes, one thread (the planning's).
 */
final class BrokenStacks {

    private final NextUsePlanning.Node node;
    /** Kept-current missing counts when the node reports its presence changes; null: counted once per pass. */
    private final MissingLayers counts;
    /**
     * Function f was <em>seen broken</em> (while ranking victims, and has neither run nor been made whole since) iff
     * some layer of f was found with all users broken after f's last clear: {@code brokenAt[l] > cleared[f]}, both
     * stamps of one sequence. Asked per function event instead of marked per ranked layer (a shared base layer has
     * hundreds of users).
     */
    private long[] brokenAt = new long[0];
    private long[] cleared = new long[0];
    private long stamp;
    /** {@code missing[f]}: f's base layers neither resident nor being fetched, valid while {@code missingScan[f] == scan}. */
    private int[] missing = new int[0];
    private long[] missingScan = new long[0];
    /** One ranking pass over a node state that does not change during it; 0 is never a pass. */
    private long scan = 1;
    private long restored;
    private long ranBroken;

    /** For a node that does not report its presence changes: missing layers are counted once per ranking pass. */
    BrokenStacks(NextUsePlanning.Node node) {
        this(node, null);
    }

    /** {@code counts} null: as {@link #BrokenStacks(NextUsePlanning.Node)}; else kept current by the planning. */
    BrokenStacks(NextUsePlanning.Node node, MissingLayers counts) {
        this.node = node;
        this.counts = counts;
    }

    void resize(int functions, int layers) {
        if (functions > cleared.length) {
            cleared = Arrays.copyOf(cleared, functions);
            missing = Arrays.copyOf(missing, functions);
            missingScan = Arrays.copyOf(missingScan, functions);
        }
        if (layers > brokenAt.length) {
            brokenAt = Arrays.copyOf(brokenAt, layers);
        }
        if (counts != null) {
            counts.resize(functions, layers);
        }
    }

    /**
     * Starts a ranking pass: until the next call, the node's residency and fetches are taken as unchanged, so each
     * function's missing layers are counted once per pass instead of once per layer ranked.
     */
    void beginScan() {
        scan++;
    }

    /**
     * Whether every function placed on this node ({@link NextUsePlanning.Node#local}) whose base stack holds {@code l}
     * misses another of its base layers (false when none holds it: data layers, and layers only functions placed
     * elsewhere use, keep the plain order, which already ranks the latter first); those functions are remembered as
     * seen broken. A function placed elsewhere neither breaks nor keeps a layer here: it does not run here.
     */
    boolean allUsersBroken(int l) {
        boolean all = counts != null ? counts.allUsersMissAnother(l) : recount(l);
        if (all && l < brokenAt.length) {
            brokenAt[l] = ++stamp;
        }
        return all;
    }

    private boolean recount(int l) {
        int local = 0;
        for (int f : node.functionsUsing(l)) {
            if (node.local(f)) {
                if (!brokenWithout(f, l)) {
                    return false;
                }
                local++;
            }
        }
        return local > 0;
    }

    /** Whether {@code f} was seen broken and has neither run nor been made whole since (see {@link #brokenAt}). */
    private boolean seen(int f) {
        if (f >= cleared.length || !node.local(f)) {
            return false;
        }
        long c = cleared[f];
        for (int o : node.layersOf(f)) {
            if (brokenAt[o] > c) {
                return true;
            }
        }
        return false;
    }

    /** Layer {@code l} may have become present or absent (a node that reports presence; else nothing to do). */
    void presenceChanged(int l) {
        if (counts != null) {
            counts.refresh(l);
        }
    }

    /** Function {@code f}'s missing layers changed within the current pass: count them again when next asked. */
    void forget(int f) {
        if (f < missingScan.length) {
            missingScan[f] = 0;
        }
    }

    private boolean brokenWithout(int f, int l) {
        int m;
        if (f < missingScan.length && missingScan[f] == scan) {
            m = missing[f];
        } else {
            m = 0;
            for (int o : node.layersOf(f)) {
                if (!node.resident(o) && !node.queued(o)) {
                    m++;
                }
            }
            if (f < missingScan.length) {
                missing[f] = m;
                missingScan[f] = scan;
            }
        }
        return m - (node.resident(l) || node.queued(l) ? 0 : 1) > 0;
    }

    /** A prefetched layer {@code l} became resident: a function seen broken that is whole now was restored. */
    void prefetched(int l) {
        for (int f : node.functionsUsing(l)) {
            if (seen(f) && whole(f, l)) {
                cleared[f] = ++stamp;
                restored++;
            }
        }
    }

    /** Every base layer of {@code f} is resident ({@code arrived} counts as resident: it is being inserted). */
    private boolean whole(int f, int arrived) {
        for (int o : node.layersOf(f)) {
            if (o != arrived && !node.resident(o)) {
                return false;
            }
        }
        return true;
    }

    /** Function {@code f} runs now: if it was seen broken and not restored since, it ran broken. */
    void ran(int f) {
        if (seen(f)) {
            cleared[f] = ++stamp;
            ranBroken++;
        }
    }

    /** The factor a broken-only layer's eviction key is multiplied by: 1 / q (see the class comment), at least 1. */
    double weight() {
        return (restored + ranBroken + 2.0) / (restored + 1.0);
    }

    long restored() {
        return restored;
    }

    long ranBroken() {
        return ranBroken;
    }
}
