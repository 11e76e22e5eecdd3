package org.layerswap.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The partitioned profiler (issue 15), provided by the cluster bundle while the cluster is on; the profiler binds it
 * optionally. Absent (cluster off, or not installed): the profiler records every event into its own model, exactly
 * as a single node. Present: each function's model is owned by the member owning the function's partition; the
 * profiler hands every event it is given to {@link #ingest}, which routes it to the owner, and the owner records it
 * into the {@link OwnedProfiles} its profiler {@link #attach attached}. Estimates the owners publish are readable on
 * every member ({@link #estimate}). Models travel between members as the profiler's own snapshot bytes (opaque
 * here): the cluster never needs the profiler's classes. Since 1.4.
 */
public interface ProfilePartitioning {

    /**
     * Routes one event to the owner of its function. Returns once the event is accepted by the cluster (kept with
     * its backups until the owner's model includes it); throws when it could not be.
     */
    void ingest(InvocationEvent event);

    /**
     * Routes {@code events} (handed over together) to the owners of their functions, as one batch; the stage completes
     * once every one is accepted (kept with its backups), exceptionally when any could not be. May return before the
     * stage completes. The default ingests them one by one with {@link #ingest} before returning. Since 1.6.
     */
    default CompletionStage<Void> ingestAll(List<InvocationEvent> events) {
        return EachEvent.apply(events, this::ingest);
    }

    /** The local profiler offers its model for the functions this member owns; closing the handle withdraws it. */
    AutoCloseable attach(OwnedProfiles local);

    /** The latest estimate the owner of {@code functionId} published; empty when none has been. */
    Optional<FunctionEstimate> estimate(String functionId);

    /**
     * An owner's estimate for one function as of {@code asOfMillis}: {@code invocations} recorded in its model,
     * {@code probability} that it runs within the profiler's window, when it runs next ({@code nextUse}, null when
     * unknown), published by member {@code ownerUuid}.
     */
    record FunctionEstimate(String functionId, String ownerUuid, long invocations, double probability, NextUse nextUse,
                            long asOfMillis) {
    }

    /** The profiler's side: its model, for the functions this member owns. All methods thread-safe. */
    interface OwnedProfiles {

        /** Records an event of a function this member owns. */
        void record(InvocationEvent event);

        /** Each named function's state in the profiler's snapshot encoding; functions never seen are left out. */
        Map<String, byte[]> export(Collection<String> functionIds);

        /** Takes over states exported by another member (replacing what the model had for those functions). */
        void adopt(Collection<byte[]> states);

        /** Forgets the named functions (their partitions moved to another member). */
        void drop(Collection<String> functionIds);

        /** This model's estimate for {@code functionId} ({@code ownerUuid} left empty); null when never seen. */
        FunctionEstimate estimate(String functionId, long nowMillis);
    }
}
