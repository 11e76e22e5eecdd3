package org.layerswap.swap;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.layerswap.api.cluster.FunctionPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which functions the live planner plans for (issue 15): those the cluster's {@link FunctionPlacement} places on this
 * node; every function when no placement is bound (a single node, or the cluster off) or when it fails (a member
 * shutting down: this node then behaves as a single node rather than dropping its functions).
 *
 * <p>The answers are cached by dense function index: {@link #refresh} asks the placement once for all functions (one
 * {@link FunctionPlacement#localOf} per full planning pass, not one call per layer or function); a function indexed
 * since, or a placement bound since, makes the next {@link #isLocal} ask again for all. So between full passes an answer
 * may be up to one decision interval older than the membership. Invariants: {@code local[0..known)} are the answers of
 * placement {@code askedOf}; another placement bound (or none) is never answered from them. Planner thread only,
 * except {@link #use}.
 */
final class LocalFunctions {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFunctions.class);

    private volatile FunctionPlacement placement;
    private FunctionPlacement askedOf;
    private boolean[] local = {};
    private int known;
    /** The placement failed since the last {@link #refresh}: every function is local until the next. */
    private boolean failed;

    /** The placement to follow; null: every function is local. Any thread. */
    void use(FunctionPlacement p) {
        placement = p;
    }

    /** A new full pass: asks the placement for every function of {@code functionIds} (indexed by position) at once. */
    void refresh(List<String> functionIds) {
        failed = false;
        FunctionPlacement p = placement;
        if (p != null) {
            ask(p, functionIds);
        }
    }

    /**
     * Whether function {@code f} (id {@code functionIds.get(f)}) is placed here, as of the last answer; a function not
     * asked yet (indexed since, or the placement bound since) makes it ask again for all.
     */
    boolean isLocal(int f, List<String> functionIds) {
        FunctionPlacement p = placement;
        if (p == null) {
            return true;
        }
        if ((p != askedOf || f >= known) && !failed) {
            ask(p, functionIds);
        }
        return failed || p != askedOf || f >= known || local[f];
    }

    private void ask(FunctionPlacement p, List<String> functionIds) {
        try {
            Set<String> mine = p.localOf(functionIds);
            local = local.length >= functionIds.size() ? local : Arrays.copyOf(local, functionIds.size());
            for (int f = 0; f < functionIds.size(); f++) {
                local[f] = mine.contains(functionIds.get(f));
            }
            askedOf = p;
            known = functionIds.size();
        } catch (RuntimeException e) {
            failed = true; // not asked again before the next full pass
            askedOf = null;
            known = 0;
            LOG.warn("the cluster's function placement failed, planning for every function until the next pass: {}", e.toString());
        }
    }
}
