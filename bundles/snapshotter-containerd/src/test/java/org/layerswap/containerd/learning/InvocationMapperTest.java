package org.layerswap.containerd.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class InvocationMapperTest {

    final Map<String, ContainerLookup.ContainerRef> containers = new HashMap<>();
    final ContainerLookup lookup = (ns, id) -> Optional.ofNullable(containers.get(ns + "/" + id));

    static ContainerdEvent event(String topic, String container) {
        return new ContainerdEvent("tenant-a", topic, 42, container, "");
    }

    @Test
    void theFunctionIsTheConfiguredLabelTheTenantTheNamespace() {
        containers.put("tenant-a/c1", new ContainerLookup.ContainerRef("reg/fn:1", Map.of("org.layerswap.function", " thumbnail ")));
        InvocationMapper m = new InvocationMapper(lookup, "org.layerswap.function", 8);
        assertEquals(Optional.of(new InvocationMapper.Invocation("thumbnail", "reg/fn:1", "tenant-a", 42)),
                m.taskStarted(event(ContainerdEvent.TASK_START, "c1")));
    }

    @Test
    void withoutTheLabelOrWithABlankOneTheImageNameIsTheFunction() {
        containers.put("tenant-a/c1", new ContainerLookup.ContainerRef("reg/fn:1", Map.of("other", "x")));
        containers.put("tenant-a/c2", new ContainerLookup.ContainerRef("reg/fn:2", Map.of("org.layerswap.function", " ")));
        InvocationMapper m = new InvocationMapper(lookup, "org.layerswap.function", 8);
        assertEquals("reg/fn:1", m.taskStarted(event(ContainerdEvent.TASK_START, "c1")).orElseThrow().functionId());
        assertEquals("reg/fn:2", m.taskStarted(event(ContainerdEvent.TASK_START, "c2")).orElseThrow().functionId());
        assertEquals("reg/fn:1", new InvocationMapper(lookup, "", 8).taskStarted(event(ContainerdEvent.TASK_START, "c1")).orElseThrow()
                .functionId(), "an empty label setting always uses the image");
    }

    @Test
    void aContainerSeenAtItsCreationIsKnownAtItsStartEvenWhenContainerdForgotIt() {
        containers.put("tenant-a/c1", new ContainerLookup.ContainerRef("reg/fn:1", Map.of()));
        InvocationMapper m = new InvocationMapper(lookup, "org.layerswap.function", 8);
        m.containerCreated(event(ContainerdEvent.CONTAINER_CREATE, "c1"));
        containers.clear(); // ctr run --rm: deleted already
        assertEquals("reg/fn:1", m.taskStarted(event(ContainerdEvent.TASK_START, "c1")).orElseThrow().functionId());
    }

    @Test
    void anUnknownContainerMapsToNothingAndTheCacheKeepsOnlyTheMostRecent() {
        InvocationMapper m = new InvocationMapper(lookup, "l", 1);
        assertTrue(m.taskStarted(event(ContainerdEvent.TASK_START, "gone")).isEmpty());
        containers.put("tenant-a/c1", new ContainerLookup.ContainerRef("i1", Map.of()));
        containers.put("tenant-a/c2", new ContainerLookup.ContainerRef("i2", Map.of()));
        m.containerCreated(event(ContainerdEvent.CONTAINER_CREATE, "c1"));
        m.containerCreated(event(ContainerdEvent.CONTAINER_CREATE, "c2"));
        containers.clear();
        assertTrue(m.taskStarted(event(ContainerdEvent.TASK_START, "c1")).isEmpty(), "c1 left the cache");
        assertEquals("i2", m.taskStarted(event(ContainerdEvent.TASK_START, "c2")).orElseThrow().functionId());
    }

    @Test
    void aCacheOfNothingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new InvocationMapper(lookup, "l", 0));
        assertEquals("container cache size must be at least 1, got 0", e.getMessage());
    }
}
