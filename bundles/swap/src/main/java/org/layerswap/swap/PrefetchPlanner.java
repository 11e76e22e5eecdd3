package org.layerswap.swap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.layerswap.api.LayerId;

/**
 * The pure prefetch decision: which predicted layers to fetch, in which order. No store, no threads:
 * the swap manager, unit tests and the replay evaluator call the same code.
 *
 * <pre>
 *   priority(l) = p(l) * t(l) / (1 + alpha * (used + b(l)) / budget + beta * d(l))
 *   t(l) = size(l) / bandwidth + rtt        seconds of cold start a hit saves
 *   b(l) = unpacked bytes                   storage pressure after admitting l
 *   d(l) = live(l) / users(l)               share of the functions using l with invocations in flight
 * </pre>
 * A candidate is admitted when {@code p >= threshold}, it is neither resident nor being fetched,
 * the free budget plus the evictable bytes can hold it, and fewer than {@code slots} were admitted.
 */
public final class PrefetchPlanner {

    /** A scored layer with the sizes the cost needs. */
    public record Candidate(LayerId id, double score, long sizeBytes, long unpackedBytes) {
    }

    /** What the planner may ask about the node. */
    public interface NodeView {
        boolean isResident(LayerId id);

        boolean isFetching(LayerId id);

        /** Share in [0,1] of the functions using {@code id} that have invocations in flight. */
        double disruption(LayerId id);
    }

    /**
     * @param budgetBytes    storage budget
     * @param usedBytes      bytes resident now
     * @param evictableBytes bytes of resident layers nobody holds (could be evicted to make room)
     * @param slots          prefetches that may still start (max concurrent minus running)
     */
    public record Budget(long budgetBytes, long usedBytes, long evictableBytes, int slots) {
    }

    public record Planned(LayerId id, double priority, double score, long sizeBytes, long unpackedBytes) {
    }

    private final CostModel cost;

    public PrefetchPlanner(CostModel cost) {
        this.cost = cost;
    }

    public CostModel cost() {
        return cost;
    }

    public double priority(double score, long sizeBytes, long unpackedBytes, long usedBytes, long budgetBytes, double disruption) {
        double pressure = budgetBytes <= 0 ? 1.0 : (double) (usedBytes + unpackedBytes) / budgetBytes;
        return score * cost.fetchSeconds(sizeBytes)
                / (1.0 + cost.storageWeight() * pressure + cost.disruptionWeight() * disruption);
    }

    /** Ranks every eligible candidate (no budget or slot limit): the index the invocation path reads. */
    public List<Planned> rank(Collection<Candidate> candidates, NodeView node, long usedBytes, long budgetBytes, double threshold) {
        List<Planned> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.score() < threshold || node.isResident(c.id()) || node.isFetching(c.id())) {
                continue;
            }
            out.add(new Planned(c.id(), priority(c.score(), c.sizeBytes(), c.unpackedBytes(), usedBytes, budgetBytes,
                    node.disruption(c.id())), c.score(), c.sizeBytes(), c.unpackedBytes()));
        }
        out.sort((a, b) -> {
            int x = Double.compare(b.priority(), a.priority());
            return x != 0 ? x : a.id().compareTo(b.id());
        });
        return out;
    }

    /** The ordered prefetch list: {@link #rank} cut by budget and slots. */
    public List<Planned> plan(Collection<Candidate> candidates, NodeView node, Budget budget, double threshold) {
        List<Planned> ranked = rank(candidates, node, budget.usedBytes(), budget.budgetBytes(), threshold);
        List<Planned> out = new ArrayList<>();
        long room = Math.max(0, budget.budgetBytes() - budget.usedBytes()) + Math.max(0, budget.evictableBytes());
        for (Planned p : ranked) {
            if (out.size() >= budget.slots()) {
                break;
            }
            if (p.unpackedBytes() > room) {
                continue; // would not fit even after evicting everything evictable
            }
            room -= p.unpackedBytes();
            out.add(p);
        }
        return out;
    }
}
