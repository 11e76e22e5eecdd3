package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerStoreListener;

class TamperGuardTest {

    static final LayerId ID = LayerId.of("sha256:" + "ab".repeat(32));

    @TempDir
    Path dir;

    StoreLayout layout;
    final StoreEvents events = new StoreEvents();
    final List<LayerId> removed = new CopyOnWriteArrayList<>();
    final Map<LayerId, FileLayerStore.Entry> resident = new ConcurrentHashMap<>();
    TamperGuard guard;
    FileLayerStore.Entry entry;

    @BeforeEach
    void setUp() throws IOException {
        layout = new StoreLayout(dir);
        layout.recover();
        events.add(new LayerStoreListener() {
            @Override
            public void layerRemoved(LayerId id) {
                removed.add(id);
            }
        });
        guard = new TamperGuard(layout, events, resident, new Object());
        Path layer = layout.layerDir(ID);
        Files.createDirectories(layer.resolve("bin"));
        Files.writeString(layer.resolve("bin/tool"), "original");
        Files.createDirectories(layout.treeFile(ID).getParent());
        entry = new FileLayerStore.Entry(ID, layer, 10, 8, new CheckWindow(Duration.ZERO, System::nanoTime));
        resident.put(ID, entry);
    }

    @Test
    void aLayerWithoutATreeGetsOneRecordedAtStartUpAndStaysResident() throws IOException {
        guard.recoverTree(entry);
        assertTrue(Files.isRegularFile(layout.treeFile(ID)), "the tree is recorded from what is on disk");
        assertEquals("", guard.verify(entry), "and the layer matches it");
        assertEquals(entry, resident.get(ID));
        assertEquals(0, guard.quarantined());
    }

    @Test
    void aModifiedLayerIsQuarantinedOnceToldAsRemovedAndMovedOutOfTheLayers() throws IOException {
        guard.recoverTree(entry);
        Files.writeString(entry.path.resolve("bin/tool"), "tampered");
        String reason = guard.verify(entry);
        assertNotEquals("", reason);
        assertFalse(resident.containsKey(ID), "out of the index");
        assertFalse(Files.exists(entry.path), "out of layers/");
        assertFalse(Files.exists(layout.treeFile(ID)), "its tree is gone with it");
        assertEquals(List.of(ID), removed);
        assertEquals(1, guard.quarantined());
        guard.verify(entry); // a second check of the same, already quarantined entry
        assertEquals(1, guard.quarantined(), "counted and told once");
        assertEquals(List.of(ID), removed);
    }

    @Test
    void anUnreadableTreeQuarantinesTheLayerAtStartUp() throws IOException {
        Files.writeString(layout.treeFile(ID), "not a tree");
        guard.recoverTree(entry);
        assertFalse(resident.containsKey(ID));
        assertEquals(1, guard.quarantined());
        assertEquals(List.of(ID), removed);
    }
}
