package org.layerswap.profiler.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.layerswap.api.InvocationEvent;
import org.layerswap.api.NextUse;
import org.layerswap.api.ProfilePartitioning;
import org.layerswap.api.ProfilePartitioning.FunctionEstimate;
import org.layerswap.profiler.engine.OwnedEngineProfiles;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional {@link ProfilePartitioning} service (the cluster, issue 15) as the profiler component uses it. Unbound
 * (cluster off or absent): {@link #route} answers false and the component records into its own engine, as a single
 * node always did; the only cost on the ingest path is one volatile read. Bound while the engine runs: the engine is
 * attached as this member's {@link ProfilePartitioning.OwnedProfiles}, every event is handed to the cluster, and
 * function estimates come from the owners' published ones (the local model's when none is published yet).
 */
final class PartitioningBinding {

    private static final Logger LOG = LoggerFactory.getLogger(PartitioningBinding.class);

    private ProfilePartitioning bound;
    private ProfilerEngine engine;
    private AutoCloseable attachment;
    /** Non-null only while both the service and the engine are present and attached. */
    private volatile ProfilePartitioning active;

    synchronized void bind(ProfilePartitioning p) {
        detachQuietly();
        bound = p;
        attachIfReady();
    }

    synchronized void unbind(ProfilePartitioning p) {
        if (bound == p) {
            detachQuietly();
            bound = null;
        }
    }

    synchronized void attach(ProfilerEngine e) {
        engine = e;
        attachIfReady();
    }

    synchronized void detach() {
        detachQuietly();
        engine = null;
    }

    private void attachIfReady() {
        if (bound != null && engine != null) {
            attachment = bound.attach(new OwnedEngineProfiles(engine));
            active = bound;
            LOG.info("Profiler partitioned over the cluster: each function's model lives on the member owning its partition");
        }
    }

    private void detachQuietly() {
        active = null;
        if (attachment != null) {
            try {
                attachment.close();
            } catch (Exception e) {
                LOG.warn("Detaching the profiler from the cluster failed: {}", e.toString());
            }
            attachment = null;
        }
    }

    /** Hands {@code event} to the cluster when partitioned; false when the caller records it locally. */
    boolean route(InvocationEvent event) {
        ProfilePartitioning p = active;
        if (p == null) {
            return false;
        }
        p.ingest(event);
        return true;
    }

    /** Hands {@code events} to the cluster as one batch when partitioned (its acceptance); null when the caller records them. */
    CompletionStage<Void> routeAll(List<InvocationEvent> events) {
        ProfilePartitioning p = active;
        return p == null ? null : p.ingestAll(events);
    }

    /** The owner's published probability for {@code functionId}, else {@code local}'s answer. */
    double functionProbability(String functionId, Function<String, Double> local) {
        FunctionEstimate e = published(functionId);
        return e != null ? e.probability() : local.apply(functionId);
    }

    /** The owner's published next use for {@code functionId}, else {@code local}'s answer. */
    NextUse nextUse(String functionId, Function<String, NextUse> local) {
        FunctionEstimate e = published(functionId);
        return e != null && e.nextUse() != null ? e.nextUse() : local.apply(functionId);
    }

    boolean partitioned() {
        return active != null;
    }

    private FunctionEstimate published(String functionId) {
        ProfilePartitioning p = active;
        return p == null ? null : p.estimate(functionId).orElse(null);
    }
}
