package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {

    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");

    @TempDir
    Path dir;

    static SnapshotInfo info(long id, String name, String parent, SnapshotKind kind) {
        return new SnapshotInfo(id, name, parent, kind, T0, T0.plusSeconds(1), Map.of("b", "2", "a", "1"));
    }

    @Test
    void aReopenedStoreHoldsEverySnapshotWithItsTimesAndLabels() throws IOException {
        MetadataStore s = new MetadataStore(dir);
        s.put(null, info(s.allocateId(), "base", "", SnapshotKind.COMMITTED));
        s.put(null, info(s.allocateId(), "top", "base", SnapshotKind.ACTIVE));

        MetadataStore again = new MetadataStore(dir);
        assertEquals(List.copyOf(s.all()), List.copyOf(again.all()));
        assertEquals(T0, again.get("base").orElseThrow().created());
        assertEquals(Map.of("a", "1", "b", "2"), again.get("top").orElseThrow().labels());
        assertTrue(again.hasChildren("base"));
    }

    @Test
    void anIdIsNeverHandedOutTwiceEvenAfterItsSnapshotWasRemovedAndTheStoreReopened() throws IOException {
        MetadataStore s = new MetadataStore(dir);
        long first = s.allocateId();
        s.put(null, info(first, "k", "", SnapshotKind.ACTIVE));
        s.remove("k");
        assertTrue(new MetadataStore(dir).nextId() > first);
    }

    @Test
    void aRenameByCommitReplacesTheOldName() throws IOException {
        MetadataStore s = new MetadataStore(dir);
        SnapshotInfo active = info(s.allocateId(), "active", "", SnapshotKind.ACTIVE);
        s.put(null, active);
        s.put("active", active.committedAs("done", Map.of(), T0));
        MetadataStore again = new MetadataStore(dir);
        assertTrue(again.get("active").isEmpty());
        assertEquals(active.id(), again.get("done").orElseThrow().id());
    }

    @Test
    void aFailedWriteLeavesMemoryAndFileAsBefore() throws IOException {
        MetadataStore s = new MetadataStore(dir);
        s.put(null, info(s.allocateId(), "kept", "", SnapshotKind.ACTIVE));
        Files.createDirectory(dir.resolve(MetadataStore.FILE + ".tmp")); // the temporary file cannot be opened
        IOException e = assertThrows(IOException.class, () -> s.put(null, info(s.allocateId(), "lost", "", SnapshotKind.ACTIVE)));
        assertTrue(e.getMessage().contains(MetadataStore.FILE), e.getMessage());
        assertTrue(s.get("lost").isEmpty());
        Files.delete(dir.resolve(MetadataStore.FILE + ".tmp"));
        assertEquals(List.of("kept"), new MetadataStore(dir).all().stream().map(SnapshotInfo::name).toList());
    }

    @Test
    void aCorruptFileIsRefusedNamingIt() throws IOException {
        Files.writeString(dir.resolve(MetadataStore.FILE), "{\"version\":1,\"nextId\":");
        IOException e = assertThrows(IOException.class, () -> new MetadataStore(dir));
        assertTrue(e.getMessage().contains(dir.resolve(MetadataStore.FILE).toString()), e.getMessage());
    }

    @Test
    void aFileOfAnotherVersionIsRefusedNamingBothVersions() throws IOException {
        Files.writeString(dir.resolve(MetadataStore.FILE), "{\"version\":7,\"nextId\":1,\"snapshots\":[]}");
        IOException e = assertThrows(IOException.class, () -> new MetadataStore(dir));
        assertTrue(e.getMessage().contains("version 7") && e.getMessage().contains("reads 1"), e.getMessage());
    }

    @Test
    void anEntryWithABadTimeIsRefusedNamingTheEntry() throws IOException {
        Files.writeString(dir.resolve(MetadataStore.FILE), "{\"version\":1,\"nextId\":2,\"snapshots\":[{\"id\":1,\"name\":\"x\","
                + "\"parent\":\"\",\"kind\":\"ACTIVE\",\"created\":\"yesterday\",\"updated\":\"yesterday\",\"labels\":{}}]}");
        IOException e = assertThrows(IOException.class, () -> new MetadataStore(dir));
        assertTrue(e.getMessage().contains("invalid entry") && e.getMessage().contains("yesterday"), e.getMessage());
    }
}
