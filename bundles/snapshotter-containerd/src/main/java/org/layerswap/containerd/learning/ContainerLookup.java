package org.layerswap.containerd.learning;

import java.util.Map;
import java.util.Optional;

/** containerd's record of a container: what learning needs to name the function it runs. */
@FunctionalInterface
public interface ContainerLookup {

    /** A container's image name and labels. */
    record ContainerRef(String image, Map<String, String> labels) {
        public ContainerRef {
            labels = Map.copyOf(labels);
        }
    }

    /** The container, or empty when containerd does not know it (it may already be deleted). */
    Optional<ContainerRef> find(String namespace, String containerId);
}
