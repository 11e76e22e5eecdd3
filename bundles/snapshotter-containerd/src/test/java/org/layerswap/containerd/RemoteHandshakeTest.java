package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.LayerId;

class RemoteHandshakeTest {

    static final LayerId L1 = LayerCatalogTest.L1;
    static final LayerId L2 = LayerCatalogTest.L2;
    static final List<String> CHAIN = ChainIds.of(List.of(ChainIdsTest.A, ChainIdsTest.B));

    @TempDir
    Path dir;
    FakeStoreLayers store = new FakeStoreLayers();
    LayerCatalog catalog = new LayerCatalog();
    Snapshotter snapshotter;
    RemoteHandshake handshake;

    @BeforeEach
    void setUp() throws Exception {
        store.resident.put(L1, Files.createDirectories(dir.resolve("store/l1")));
        Files.writeString(dir.resolve("store/l1/file"), "from the store");
        catalog.register(List.of(L1, L2), List.of(ChainIdsTest.A, ChainIdsTest.B));
        snapshotter = new Snapshotter(dir.resolve("snap"), Clock.systemUTC(), store);
        handshake = new RemoteHandshake(snapshotter, catalog);
    }

    static Map<String, String> target(String chainId) {
        return Map.of(RemoteHandshake.TARGET, chainId);
    }

    @Test
    void aHeldLayerIsCommittedUnderItsChainIdBackedByThePinnedStoreDirectory() throws Exception {
        assertEquals(Optional.of(CHAIN.get(0)), handshake.tryCommit("", target(CHAIN.get(0))));
        SnapshotInfo s = snapshotter.stat(CHAIN.get(0));
        assertEquals(SnapshotKind.COMMITTED, s.kind());
        assertEquals(L1.digest(), s.storeLayer());
        assertEquals(CHAIN.get(0), s.labels().get(RemoteHandshake.TARGET), "containerd finds it by this label");
        assertEquals(1, store.pins(L1));
        assertEquals(new RemoteHandshake.Stats(1, 0), handshake.stats());
        assertTrue(snapshotter.dirs().present().isEmpty(), "nothing copied");

        List<String> options = snapshotter.prepare("c", CHAIN.get(0), Map.of()).get(0).options();
        assertEquals("lowerdir=" + dir.resolve("store/l1"), options.get(options.size() - 1), "the store's directory is the lower dir");
    }

    @Test
    void containerdsFilterForTheTargetFindsTheCommittedSnapshot() throws Exception {
        handshake.tryCommit("", target(CHAIN.get(0)));
        snapshotter.prepare("other", "", Map.of());
        // metadata/snapshot.go: fmt.Sprintf(`labels."containerd.io/snapshot.ref"==%s,parent==%q`, target, bparent)
        String filter = "labels.\"containerd.io/snapshot.ref\"==" + CHAIN.get(0) + ",parent==\"\"";
        assertEquals(List.of(CHAIN.get(0)), snapshotter.list(ListFilter.parse(List.of(filter))).stream().map(SnapshotInfo::name).toList());
    }

    @Test
    void anUnknownOrAbsentLayerIsAMissAndAnUnlabelledPrepareIsNeither() throws Exception {
        assertEquals(Optional.empty(), handshake.tryCommit("", Map.of()));
        assertEquals(Optional.empty(), handshake.tryCommit("", target("sha256:" + "9".repeat(64))));
        handshake.tryCommit("", target(CHAIN.get(0)));
        assertEquals(Optional.empty(), handshake.tryCommit(CHAIN.get(0), target(CHAIN.get(1))), "L2 is not in the store");
        assertEquals(new RemoteHandshake.Stats(1, 2), handshake.stats());
        assertFalse(snapshotter.list(s -> true).stream().anyMatch(s -> s.name().equals(CHAIN.get(1))));
    }

    @Test
    void theCriLayerDigestLabelNamesTheLayerWhenTheCatalogDoesNotKnowTheChain() throws Exception {
        String unknownChain = "sha256:" + "7".repeat(64);
        assertEquals(Optional.of(unknownChain), handshake.tryCommit("", Map.of(RemoteHandshake.TARGET, unknownChain,
                RemoteHandshake.CRI_LAYER_DIGEST, L1.digest())));
        assertEquals(L1.digest(), snapshotter.stat(unknownChain).storeLayer());
    }

    @Test
    void removingTheSnapshotReleasesThePinAndLeavesTheStoreLayer() throws Exception {
        handshake.tryCommit("", target(CHAIN.get(0)));
        snapshotter.remove(CHAIN.get(0));
        assertEquals(0, store.pins(L1));
        assertEquals("from the store", Files.readString(dir.resolve("store/l1/file")));
    }

    @Test
    void afterARestartTheLayerIsPinnedAgainAndOneTheStoreLostFailsMountsNamingIt() throws Exception {
        handshake.tryCommit("", target(CHAIN.get(0)));
        snapshotter.prepare("c", CHAIN.get(0), Map.of());
        snapshotter.close();
        assertEquals(0, store.pins(L1));
        Snapshotter again = new Snapshotter(dir.resolve("snap"), Clock.systemUTC(), store);
        assertEquals(1, store.pins(L1));
        assertEquals(SnapshotDirs.usage(dir.resolve("store/l1")), again.usage(CHAIN.get(0)), "usage of the store layer");
        again.close();

        store.resident.remove(L1);
        Snapshotter lost = new Snapshotter(dir.resolve("snap"), Clock.systemUTC(), store);
        SnapshotException e = assertThrows(SnapshotException.class, () -> lost.mounts("c"));
        assertEquals(SnapshotException.Reason.FAILED_PRECONDITION, e.reason());
        assertTrue(e.getMessage().contains(L1.digest()), e.getMessage());
    }

    @Test
    void aParentThatDoesNotExistIsNotFoundAsForPrepare() {
        SnapshotException e = assertThrows(SnapshotException.class, () -> handshake.tryCommit("nope", target(CHAIN.get(0))));
        assertEquals(SnapshotException.Reason.NOT_FOUND, e.reason());
    }
}
