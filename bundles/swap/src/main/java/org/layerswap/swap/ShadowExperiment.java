package org.layerswap.swap;

import java.util.List;

import org.layerswap.api.LayerId;

/**
 * One shadow rollout: a {@code share} of a function's invocations run on the candidate layer set,
 * the rest on the current one; outcomes are compared once both arms have {@code minSamples}.
 *
 * <p>Assignment is deterministic: invocation sequence number {@code seq} goes to the candidate when
 * {@code mix64(seq ^ salt) mod 10000 < share * 10000}.
 *
 * <p>Rule: <b>promote</b> when {@code errRate(candidate) <= errRate(current) + errorTolerance} and
 * {@code meanLatency(candidate) <= meanLatency(current) * (1 + latencyTolerance)}; otherwise <b>roll
 * back</b>. Early rollback: if the candidate already has {@code minSamples} and its error rate exceeds
 * the current's by more than {@code 2 * errorTolerance + 0.1}, it is rolled back without waiting.
 */
public final class ShadowExperiment {

    public enum Decision { PENDING, PROMOTE, ROLL_BACK }

    private final long recordId;
    private final List<LayerId> current;
    private final List<LayerId> candidate;
    private final double share;
    private final int minSamples;
    private final double errorTolerance;
    private final double latencyTolerance;
    private final long salt;
    private final long startedMillis;
    private final long startedNanos = System.nanoTime();
    private long curN;
    private long curErr;
    private double curLatency;
    private long candN;
    private long candErr;
    private double candLatency;
    private Decision decided = Decision.PENDING;

    public ShadowExperiment(long recordId, List<LayerId> current, List<LayerId> candidate, double share, int minSamples,
                            double errorTolerance, double latencyTolerance, long startedMillis) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("shadow share must be in (0,1), got " + share);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("minimum shadow samples must be >= 1, got " + minSamples);
        }
        this.recordId = recordId;
        this.current = List.copyOf(current);
        this.candidate = List.copyOf(candidate);
        this.share = share;
        this.minSamples = minSamples;
        this.errorTolerance = errorTolerance;
        this.latencyTolerance = latencyTolerance;
        this.salt = recordId * 0x9E3779B97F4A7C15L;
        this.startedMillis = startedMillis;
    }

    public long recordId() {
        return recordId;
    }

    public List<LayerId> current() {
        return current;
    }

    public List<LayerId> candidate() {
        return candidate;
    }

    public long startedMillis() {
        return startedMillis;
    }

    public long startedNanos() {
        return startedNanos;
    }

    public boolean assignCandidate(long seq) {
        long h = mix64(seq ^ salt);
        return Long.remainderUnsigned(h, 10_000) < (long) (share * 10_000);
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Adds one outcome; returns the decision once it is reached (exactly once), else PENDING. */
    public synchronized Decision record(boolean onCandidate, double latencyMicros, boolean error) {
        if (decided != Decision.PENDING) {
            return Decision.PENDING;
        }
        if (onCandidate) {
            candN++;
            candErr += error ? 1 : 0;
            candLatency += latencyMicros;
        } else {
            curN++;
            curErr += error ? 1 : 0;
            curLatency += latencyMicros;
        }
        Decision d = evaluate();
        if (d != Decision.PENDING) {
            decided = d;
        }
        return d;
    }

    private Decision evaluate() {
        if (candN >= minSamples && curN > 0 && rate(candErr, candN) > rate(curErr, curN) + 2 * errorTolerance + 0.1) {
            return Decision.ROLL_BACK;
        }
        if (candN < minSamples || curN < minSamples) {
            return Decision.PENDING;
        }
        boolean errorsOk = rate(candErr, candN) <= rate(curErr, curN) + errorTolerance;
        boolean latencyOk = candLatency / candN <= (curLatency / curN) * (1 + latencyTolerance);
        return errorsOk && latencyOk ? Decision.PROMOTE : Decision.ROLL_BACK;
    }

    private static double rate(long e, long n) {
        return n == 0 ? 0 : (double) e / n;
    }

    public synchronized String summary() {
        return String.format(java.util.Locale.ROOT,
                "candidate n=%d err=%.3f mean=%.0fus; current n=%d err=%.3f mean=%.0fus",
                candN, rate(candErr, candN), candN == 0 ? 0 : candLatency / candN,
                curN, rate(curErr, curN), curN == 0 ? 0 : curLatency / curN);
    }
}
