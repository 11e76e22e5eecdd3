package org.layerswap.containerd.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.containerd.learning.LearningFakes.digest;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.layerswap.api.LayerId;
import org.layerswap.containerd.ChainIds;
import org.layerswap.containerd.LayerCatalog;

class ImageBookTest {

    final LearningFakes.Source source = new LearningFakes.Source();
    final LayerCatalog catalog = new LayerCatalog();
    final ImageBook book = new ImageBook(() -> List.of(source), catalog);

    @Test
    void anImageNamedWithItsRegistryResolvesWithoutTheHostAndFillsTheCatalogByChainId() {
        source.with("fn/thumb:1", List.of(digest('1'), digest('2')));
        KnownImage image = book.learn("reg.example:5000/fn/thumb:1").orElseThrow();
        assertEquals(List.of("reg.example:5000/fn/thumb:1", "fn/thumb:1"), source.asked);
        List<String> chain = ChainIds.of(List.of(digest('1'), digest('2')));
        assertEquals(chain, image.chainIds());
        assertEquals(Optional.of(LayerId.of(digest('b'))), catalog.layerOf(chain.get(1)));
        assertEquals(Optional.of(LayerId.of(digest('a'))), catalog.layerOf(chain.get(0)));
        book.learn("reg.example:5000/fn/thumb:1");
        assertEquals(2, source.asked.size(), "resolved once");
    }

    @Test
    void anImageNoSourceKnowsOrOneWithoutDiffIdsStaysUnknownAndIsAskedAgainLater() {
        assertTrue(book.learn("docker.io/library/busybox:latest").isEmpty());
        source.with("nodiff:1", List.of());
        assertTrue(book.learn("nodiff:1").isEmpty(), "a config without diff ids cannot name chain ids");
        assertEquals(0, book.size());
        source.with("library/busybox:latest", List.of(digest('1'), digest('2')));
        assertTrue(book.learn("docker.io/library/busybox:latest").isPresent(), "retried when named again");
    }

    @Test
    void whatAFunctionRanLastIsItsImage() {
        source.with("fn:1", List.of(digest('1'), digest('2')));
        assertTrue(book.ran("periodic", "unknown:9").isEmpty());
        assertTrue(book.imageOf("periodic").isEmpty());
        book.ran("periodic", "fn:1");
        assertEquals("fn:1", book.imageOf("periodic").orElseThrow().containerdName());
        assertEquals(java.util.Map.of("periodic", "fn:1"), book.functions());
    }

    @Test
    void onlyAFirstPathSegmentThatLooksLikeAHostIsStripped() {
        assertEquals(List.of("fn/thumb:1"), ImageBook.references("fn/thumb:1"));
        assertEquals(List.of("localhost/fn:1", "fn:1"), ImageBook.references("localhost/fn:1"));
        assertEquals(List.of("busybox"), ImageBook.references("busybox"));
    }

    @Test
    void anImageWithADiffIdCountOtherThanItsLayersIsRefusedNamingBoth() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> KnownImage.of("fn:1", "fn", List.of(LearningFakes.layer('a')), List.of()));
        assertTrue(e.getMessage().startsWith("image fn:1: want one diff id per layer, got 1 layers and 0 diff ids"), e.getMessage());
    }

    @Test
    void documentsAreAskedOfTheSourceThatResolvedTheImageByItsManifestDigestAndAnUnresolvedImageIsRefused() {
        source.with("fn/thumb:1", List.of(digest('1'), digest('2')));
        KnownImage image = book.learn("reg.example:5000/fn/thumb:1").orElseThrow();
        org.layerswap.api.LayerSourceException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.layerswap.api.LayerSourceException.class, () -> book.documents(image));
        assertEquals("layer source fake does not serve manifest bytes (asked for fn@sha256:" + "9".repeat(64) + ")", e.getMessage());
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> book.documents(LearningFakes.image("other:1")));
        assertTrue(unknown.getMessage().startsWith("image other:1 was not resolved"), unknown.getMessage());
    }
}
