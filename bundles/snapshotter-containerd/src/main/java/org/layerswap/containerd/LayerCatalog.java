package org.layerswap.containerd;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.layerswap.api.LayerId;

/**
 * Which LayerSwap layer (its content digest, the store's key) a containerd chain id stands for. Filled from
 * images whose diff ids are known ({@link #register}); each chain id maps to the top layer of its chain, since
 * the chain's lower layers have their own (shorter) chain ids. Thread-safe.
 */
public final class LayerCatalog {

    private final Map<String, LayerId> byChainId = new ConcurrentHashMap<>();

    /**
     * Records an image: {@code layers} (base first) and its config's diff ids, one per layer.
     *
     * @throws IllegalArgumentException when the counts differ or a diff id is malformed (naming it)
     */
    public void register(List<LayerId> layers, List<String> diffIds) {
        if (layers.size() != diffIds.size()) {
            throw new IllegalArgumentException("an image has one diff id per layer: " + layers.size() + " layers, "
                    + diffIds.size() + " diff ids");
        }
        List<String> chain = ChainIds.of(diffIds);
        for (int i = 0; i < chain.size(); i++) {
            byChainId.put(chain.get(i), layers.get(i));
        }
    }

    public Optional<LayerId> layerOf(String chainId) {
        return Optional.ofNullable(byChainId.get(chainId));
    }

    public int size() {
        return byChainId.size();
    }
}
