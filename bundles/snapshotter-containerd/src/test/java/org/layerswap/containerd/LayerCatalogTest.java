package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerId;

class LayerCatalogTest {

    static final LayerId L1 = LayerId.of("sha256:" + "1".repeat(64));
    static final LayerId L2 = LayerId.of("sha256:" + "2".repeat(64));

    @Test
    void eachChainIdNamesTheTopLayerOfItsChain() {
        LayerCatalog c = new LayerCatalog();
        c.register(List.of(L1, L2), List.of(ChainIdsTest.A, ChainIdsTest.B));
        List<String> chain = ChainIds.of(List.of(ChainIdsTest.A, ChainIdsTest.B));
        assertEquals(Optional.of(L1), c.layerOf(chain.get(0)));
        assertEquals(Optional.of(L2), c.layerOf(chain.get(1)));
        assertEquals(Optional.empty(), c.layerOf(ChainIdsTest.B), "a diff id alone is no chain id above the base");
    }

    @Test
    void anImageSharingTheBaseSharesItsChainId() {
        LayerCatalog c = new LayerCatalog();
        c.register(List.of(L1), List.of(ChainIdsTest.A));
        c.register(List.of(L1, L2), List.of(ChainIdsTest.A, ChainIdsTest.C));
        assertEquals(2, c.size());
    }

    @Test
    void layersAndDiffIdsMustPair() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LayerCatalog().register(List.of(L1, L2), List.of(ChainIdsTest.A)));
        assertTrue(e.getMessage().contains("2 layers, 1 diff ids"), e.getMessage());
    }
}
