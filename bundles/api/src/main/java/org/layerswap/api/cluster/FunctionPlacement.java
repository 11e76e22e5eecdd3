package org.layerswap.api.cluster;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which functions this node should run (issue 15): the cluster's placement rule ({@link BoundedLoadPlacement} over
 * the live members) seen from one member. Registered by the cluster only while it is enabled; a node without this
 * service is a single node on which every function is local. Its swap manager prefetches and keeps layers only for
 * its local functions; an invocation that does arrive for another function still runs (routing is the front end's).
 *
 * <p>Invariants: the answers follow membership (a member that leaves gives its functions away at once); {@link #isLocal}
 * of f equals {@code nodeOf(f)} being this member; {@link #localOf} answers each function as {@link #isLocal} would at
 * the same moment. Thread-safe.
 */
public interface FunctionPlacement {

    /** Whether {@code functionId} is placed on this member. */
    boolean isLocal(String functionId);

    /** The address ({@code host:port}) of the member {@code functionId} is placed on. */
    String nodeOf(String functionId);

    /**
     * The functions of {@code functionIds} placed on this member: one evaluation of the rule for them all (what a
     * planning pass asks, instead of one call per function).
     */
    default Set<String> localOf(Collection<String> functionIds) {
        return functionIds.stream().filter(this::isLocal).collect(Collectors.toSet());
    }
}
