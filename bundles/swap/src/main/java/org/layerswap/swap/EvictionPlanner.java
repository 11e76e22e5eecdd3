package org.layerswap.swap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;

import org.layerswap.api.LayerId;
import org.layerswap.api.ResidentLayer;

/**
 * Chooses eviction victims: layers no composed filesystem holds (refCount 0), lowest
 * {@code value = u * t / unpackedBytes} first, older last use first on ties, until {@code needBytes}
 * are freed. {@code u = -ln(1 - p)} (capped at {@value #MAX_USES}) is the expected number of uses
 * within the prediction window when uses are Poisson and {@code p} is the probability of at least one:
 * a layer shared by busy functions has p close to 1 whatever its rate, and evicting it costs a
 * re-fetch per use, so the value must grow with the rate, not saturate. {@code u * t} is then the
 * expected cold-start seconds a keep saves, per byte kept. Pure: replay uses it too.
 */
public final class EvictionPlanner {

    private final CostModel cost;

    public EvictionPlanner(CostModel cost) {
        this.cost = cost;
    }

    /** Cap of the expected uses in a window (p = 1 - 1e-9). */
    public static final double MAX_USES = 20.0;

    public static double expectedUses(double p) {
        if (!(p > 0)) {
            return 0;
        }
        return p >= 1 ? MAX_USES : Math.min(MAX_USES, -Math.log1p(-p));
    }

    public double value(double score, long sizeBytes, long unpackedBytes) {
        return expectedUses(score) * cost.fetchSeconds(sizeBytes) / Math.max(1, unpackedBytes);
    }

    /** Victims in eviction order; frees at least {@code needBytes} if the evictable layers allow it. */
    public List<LayerId> victims(Collection<ResidentLayer> resident, ToDoubleFunction<LayerId> score, long needBytes) {
        if (needBytes <= 0) {
            return List.of();
        }
        List<ResidentLayer> eligible = new ArrayList<>();
        for (ResidentLayer r : resident) {
            if (r.refCount() == 0) {
                eligible.add(r);
            }
        }
        eligible.sort((a, b) -> {
            int x = Double.compare(value(score.applyAsDouble(a.id()), a.sizeBytes(), a.unpackedBytes()),
                    value(score.applyAsDouble(b.id()), b.sizeBytes(), b.unpackedBytes()));
            return x != 0 ? x : Long.compare(a.lastUsedMillis(), b.lastUsedMillis());
        });
        List<LayerId> out = new ArrayList<>();
        long freed = 0;
        for (ResidentLayer r : eligible) {
            if (freed >= needBytes) {
                break;
            }
            out.add(r.id());
            freed += r.unpackedBytes();
        }
        return out;
    }
}
