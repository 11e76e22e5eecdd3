package org.layerswap.containerd.learning;

import java.util.List;

import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.containerd.ChainIds;

/**
 * An image containerd runs, as LayerSwap resolved it: its reference in containerd, the repository its layers come
 * from, its layers (base first) and their chain ids (from the config's diff ids, one per layer).
 */
public record KnownImage(String containerdName, String repository, List<LayerDescriptor> layers, List<String> chainIds) {

    public KnownImage {
        layers = List.copyOf(layers);
        chainIds = List.copyOf(chainIds);
        if (layers.isEmpty() || layers.size() != chainIds.size()) {
            throw new IllegalArgumentException("image " + containerdName + ": want one diff id per layer, got " + layers.size()
                    + " layers and " + chainIds.size() + " diff ids");
        }
    }

    /** From the layers and the config's diff ids. */
    public static KnownImage of(String containerdName, String repository, List<LayerDescriptor> layers, List<String> diffIds) {
        if (layers.size() != diffIds.size()) {
            throw new IllegalArgumentException("image " + containerdName + ": want one diff id per layer, got " + layers.size()
                    + " layers and " + diffIds.size() + " diff ids (does the layer source read the config's rootfs.diff_ids?)");
        }
        return new KnownImage(containerdName, repository, layers, ChainIds.of(diffIds));
    }

    public List<LayerId> layerIds() {
        return layers.stream().map(LayerDescriptor::id).toList();
    }
}
