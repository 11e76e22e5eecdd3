package org.layerswap.profiler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.NextUse;
import org.layerswap.api.ProfilePartitioning;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;

class PartitioningBindingTest {

    /** A stand-in cluster: keeps what it was given, answers one published estimate. */
    static final class FakeCluster implements ProfilePartitioning {
        final List<InvocationEvent> ingested = new ArrayList<>();
        OwnedProfiles attached;
        int detached;

        @Override
        public void ingest(InvocationEvent event) {
            ingested.add(event);
        }

        @Override
        public AutoCloseable attach(OwnedProfiles local) {
            attached = local;
            return () -> detached++;
        }

        @Override
        public Optional<FunctionEstimate> estimate(String functionId) {
            return "remote".equals(functionId)
                    ? Optional.of(new FunctionEstimate("remote", "m-2", 9, 0.75, new NextUse(5, 6, false), 1)) : Optional.empty();
        }
    }

    final ProfilerEngine engine = new ProfilerEngine(ProfilerSettings.defaults(), null);

    @Test
    void unboundEveryEventStaysLocal() {
        PartitioningBinding b = new PartitioningBinding();
        b.attach(engine);
        assertFalse(b.route(InvocationEvent.of("f", 1)));
        assertFalse(b.partitioned());
    }

    @Test
    void boundWithAnEngineEventsGoToTheClusterAndEstimatesComeFromTheOwners() {
        FakeCluster c = new FakeCluster();
        PartitioningBinding b = new PartitioningBinding();
        b.bind(c);
        assertFalse(b.route(InvocationEvent.of("f", 1)), "no engine yet: nothing to attach, the event stays local");
        b.attach(engine);
        assertNotNull(c.attached);
        assertTrue(b.route(InvocationEvent.of("f", 2)));
        assertEquals(List.of(InvocationEvent.of("f", 2)), c.ingested);
        assertEquals(0.75, b.functionProbability("remote", f -> 0.0));
        assertEquals(new NextUse(5, 6, false), b.nextUse("remote", f -> null));
        assertEquals(0.5, b.functionProbability("unpublished", f -> 0.5), "the local model answers what no owner published");
        assertNull(b.nextUse("unpublished", f -> null));
    }

    @Test
    void unbindingDetachesAndEventsAreLocalAgain() {
        FakeCluster c = new FakeCluster();
        PartitioningBinding b = new PartitioningBinding();
        b.attach(engine);
        b.bind(c);
        b.unbind(c);
        assertEquals(1, c.detached);
        assertFalse(b.route(InvocationEvent.of("f", 3)));
        b.bind(c);
        b.detach();
        assertEquals(2, c.detached);
        assertFalse(b.partitioned());
    }

    @Test
    void aBatchGoesToTheClusterWholeWhenBoundAndIsLeftToTheCallerWhenNot() {
        FakeCluster c = new FakeCluster();
        PartitioningBinding b = new PartitioningBinding();
        b.attach(engine);
        List<InvocationEvent> batch = List.of(InvocationEvent.of("f", 4), InvocationEvent.of("g", 5));
        assertNull(b.routeAll(batch), "unbound: the caller records the batch locally");
        b.bind(c);
        assertTrue(b.routeAll(batch).toCompletableFuture().isDone());
        assertEquals(batch, c.ingested);
    }
}
