package org.layerswap.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.layerswap.api.ClusterView;
import org.layerswap.api.cluster.BoundedLoadPlacement;
import org.layerswap.api.cluster.FunctionPlacement;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;

/**
 * The placement rule over the live cluster, as this member sees it: {@link BoundedLoadPlacement#assign} over the
 * members' addresses in address order (stable across a member's restarts, unlike its uuid) and the functions whose
 * estimates are published ({@code known}), plus the function asked when it is not one of them. The one answer behind
 * {@code layerswap:cluster place}, {@code GET /api/cluster/place} and the {@link FunctionPlacement} the swap manager
 * plans by.
 *
 * <p>Invariants: every answer reads the membership and the known functions at the time of the call (a member that
 * left is never answered); {@code isLocal(f)} is {@code place(f)}'s member being this one, and {@link #localOf} answers
 * each function as {@link #isLocal} would for the same membership and known functions. The assignment of the known
 * functions is computed once per (members, known functions) and kept until either changes, with the answers for the
 * functions without an estimate asked meanwhile (each costs one assignment of the known functions). Thread-safe.
 */
public final class ClusterPlacement implements FunctionPlacement {

    private final Cluster cluster;
    private final Supplier<Set<String>> knownFunctions;
    private final double loadFactor;
    /** The rule and assignment of the last (members, known) asked: reused while both are the same. */
    private volatile Snapshot last;

    /**
     * The rule over one membership and one set of known functions, with the known functions' assignment and the
     * members of the other functions asked so far (each one {@link BoundedLoadPlacement#place}, O(known) to compute).
     */
    private record Snapshot(Map<String, Member> byAddress, Set<String> known, BoundedLoadPlacement rule, Map<String, String> assigned,
                            Map<String, String> others) {
    }

    public ClusterPlacement(Cluster cluster, Supplier<Set<String>> knownFunctions, double loadFactor) {
        this.cluster = cluster;
        this.knownFunctions = knownFunctions;
        this.loadFactor = loadFactor;
    }

    /** Where {@code functionId} should run; empty when this member sees no member (it is shutting down). */
    public Optional<ClusterView.Placement> place(String functionId) {
        Snapshot s = snapshot();
        if (s == null) {
            return Optional.empty();
        }
        String address = addressOf(s, functionId);
        int functions = s.known().size() + (s.known().contains(functionId) ? 0 : 1);
        return Optional.of(new ClusterView.Placement(functionId, s.byAddress().get(address).getUuid().toString(), address,
                s.byAddress().size(), functions, s.rule().capacity(functions), s.rule().loadFactor()));
    }

    @Override
    public boolean isLocal(String functionId) {
        Snapshot s = require();
        return s.byAddress().get(addressOf(s, functionId)).localMember();
    }

    @Override
    public String nodeOf(String functionId) {
        return addressOf(require(), functionId);
    }

    @Override
    public Set<String> localOf(Collection<String> functionIds) {
        Snapshot s = require();
        String self = cluster.getLocalMember().getAddress().toString();
        Set<String> out = new HashSet<>();
        for (String f : functionIds) {
            if (self.equals(addressOf(s, f))) {
                out.add(f);
            }
        }
        return out;
    }

    private static String addressOf(Snapshot s, String functionId) {
        String a = s.assigned().get(functionId);
        return a != null ? a : s.others().computeIfAbsent(functionId, f -> s.rule().place(f, s.known()));
    }

    private Snapshot require() {
        Snapshot s = snapshot();
        if (s == null) {
            throw new IllegalStateException("this cluster member sees no member (it is shutting down): no placement");
        }
        return s;
    }

    private Snapshot snapshot() {
        Map<String, Member> byAddress = new TreeMap<>();
        for (Member m : cluster.getMembers()) {
            byAddress.put(m.getAddress().toString(), m);
        }
        if (byAddress.isEmpty()) {
            return null;
        }
        Set<String> known = knownFunctions.get();
        Snapshot s = last;
        if (s != null && s.byAddress().keySet().equals(byAddress.keySet()) && sameMembers(s.byAddress(), byAddress)
                && s.known().equals(known)) {
            return s;
        }
        BoundedLoadPlacement rule = new BoundedLoadPlacement(new ArrayList<>(byAddress.keySet()), loadFactor);
        s = new Snapshot(byAddress, Set.copyOf(known), rule, rule.assign(known), new ConcurrentHashMap<>());
        last = s;
        return s;
    }

    /** Same addresses held by the same members (a member restarted on its address has a new uuid). */
    private static boolean sameMembers(Map<String, Member> a, Map<String, Member> b) {
        for (Map.Entry<String, Member> e : a.entrySet()) {
            if (!e.getValue().getUuid().equals(b.get(e.getKey()).getUuid())) {
                return false;
            }
        }
        return true;
    }
}
