package org.layerswap.replay;

import java.util.List;

/**
 * The outcome of a replay: what was replayed, each policy's metrics, the sweep points and timings.
 *
 * @param replayMillis wall time of the policy replays (in parallel over {@code threads} threads)
 * @param replayedEvents events replayed summed over policies (including sweep points)
 */
public record ReplayResult(String trace, NodeSettings node, long warmupMillis, int events, int functions, int layers,
                           long layerBytes, long spanMillis, long[] functionsByClass, String readSummary,
                           List<PolicyResult> results, List<PolicyResult> sweep, long loadMillis, long replayMillis,
                           long replayedEvents, int threads) {

    /** Invocations replayed per second of wall time, all policies together. */
    public double eventsPerSecond() {
        return replayMillis == 0 ? Double.NaN : replayedEvents * 1000.0 / replayMillis;
    }
}
