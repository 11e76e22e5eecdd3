package org.layerswap.profiler.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-function cuts of a {@link ProfileSnapshot}, for the partitioned profiler (issue 15): one function's state is
 * exported as a snapshot of that function alone (the {@link SnapshotCodec} bytes travel between cluster members and
 * sit in Hazelcast backups), and states taken over from another member are merged into this engine's snapshot, then
 * {@link ProfilerEngine#restore restored}. Plain values, no engine state: an adoption costs one snapshot and one
 * restore of the whole engine, which is why the cluster adopts in batches (partition migrations, not events).
 */
public final class SnapshotMerge {

    private SnapshotMerge() {
    }

    /** Each named function present in {@code s}, as a snapshot of that function alone (same times and event count). */
    public static Map<String, ProfileSnapshot> split(ProfileSnapshot s, Set<String> functionIds) {
        Map<String, ProfileSnapshot> out = new LinkedHashMap<>();
        for (ProfileSnapshot.FunctionState f : s.functions()) {
            if (functionIds.contains(f.functionId())) {
                out.put(f.functionId(), new ProfileSnapshot(s.version(), s.takenAtMillis(), s.latestEventMillis(),
                        f.count(), List.of(f)));
            }
        }
        return out;
    }

    /**
     * {@code base} with every function of {@code incoming} replacing (or joining) its own; the latest event is the
     * latest of all, the event count stays {@code base}'s (events are counted where they were recorded).
     */
    public static ProfileSnapshot merge(ProfileSnapshot base, Collection<ProfileSnapshot> incoming) {
        Map<String, ProfileSnapshot.FunctionState> byId = new LinkedHashMap<>();
        for (ProfileSnapshot.FunctionState f : base.functions()) {
            byId.put(f.functionId(), f);
        }
        long latest = base.latestEventMillis();
        for (ProfileSnapshot in : incoming) {
            for (ProfileSnapshot.FunctionState f : in.functions()) {
                byId.put(f.functionId(), f);
            }
            latest = Math.max(latest, in.latestEventMillis());
        }
        return new ProfileSnapshot(base.version(), base.takenAtMillis(), latest, base.eventsRecorded(), new ArrayList<>(byId.values()));
    }

    /** {@code base} without the named functions (their partitions moved away). */
    public static ProfileSnapshot without(ProfileSnapshot base, Set<String> functionIds) {
        List<ProfileSnapshot.FunctionState> kept = new ArrayList<>();
        for (ProfileSnapshot.FunctionState f : base.functions()) {
            if (!functionIds.contains(f.functionId())) {
                kept.add(f);
            }
        }
        return new ProfileSnapshot(base.version(), base.takenAtMillis(), base.latestEventMillis(), base.eventsRecorded(), kept);
    }
}
