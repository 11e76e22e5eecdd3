package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class SnapshotterTest {

    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path root;

    Snapshotter open() throws IOException {
        return new Snapshotter(root, Clock.fixed(T0, ZoneOffset.UTC));
    }

    static void refused(SnapshotException.Reason reason, String text, Executable call) {
        SnapshotException e = assertThrows(SnapshotException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    /** base (committed) <- mid (committed) <- the returned active key. */
    static String chain(Snapshotter s) throws Exception {
        s.prepare("a1", "", Map.of());
        s.commit("base", "a1", Map.of());
        s.prepare("a2", "base", Map.of());
        s.commit("mid", "a2", Map.of("l", "v"));
        s.prepare("top", "mid", Map.of());
        return "top";
    }

    @Test
    void anActiveOverCommittedParentsMountsItsOwnUpperOverTheirDirectoriesNearestFirst() throws Exception {
        Snapshotter s = open();
        chain(s);
        SnapshotInfo top = s.stat("top");
        List<MountPlan.Mount> m = s.mounts("top");
        assertEquals("overlay", m.get(0).type());
        assertEquals(List.of("workdir=" + s.dirs().work(top.id()), "upperdir=" + s.dirs().fs(top.id()),
                "lowerdir=" + s.dirs().fs(s.stat("mid").id()) + ":" + s.dirs().fs(s.stat("base").id())), m.get(0).options());
        assertEquals(SnapshotKind.ACTIVE, top.kind());
        assertEquals("mid", top.parent());
    }

    @Test
    void commitKeepsTheContentInPlaceDropsTheWorkDirAndTheActiveKeyIsGone() throws Exception {
        Snapshotter s = open();
        s.prepare("a", "", Map.of());
        long id = s.stat("a").id();
        Files.writeString(s.dirs().fs(id).resolve("file"), "content");
        s.commit("c", "a", Map.of("k", "v"));
        SnapshotInfo c = s.stat("c");
        assertEquals(id, c.id());
        assertEquals(SnapshotKind.COMMITTED, c.kind());
        assertEquals(Map.of("k", "v"), c.labels());
        assertEquals("content", Files.readString(s.dirs().fs(id).resolve("file")));
        assertFalse(Files.exists(s.dirs().work(id)));
        refused(SnapshotException.Reason.NOT_FOUND, "'a'", () -> s.stat("a"));
    }

    @Test
    void aCommittedSnapshotIsNeverMountedWritablyAndCannotBeCommittedAgain() throws Exception {
        Snapshotter s = open();
        chain(s);
        refused(SnapshotException.Reason.FAILED_PRECONDITION, "committed", () -> s.mounts("mid"));
        refused(SnapshotException.Reason.FAILED_PRECONDITION, "only an active", () -> s.commit("again", "mid", Map.of()));
        s.view("v", "mid", Map.of());
        assertEquals(List.of(new MountPlan.Mount("overlay", "overlay",
                List.of("lowerdir=" + s.dirs().fs(s.stat("mid").id()) + ":" + s.dirs().fs(s.stat("base").id())))), s.mounts("v"));
        refused(SnapshotException.Reason.FAILED_PRECONDITION, "VIEW", () -> s.commit("v2", "v", Map.of()));
    }

    @Test
    void unknownKeysAndParentsAreNotFoundAndTakenNamesAlreadyExist() throws Exception {
        Snapshotter s = open();
        chain(s);
        refused(SnapshotException.Reason.NOT_FOUND, "parent 'nope'", () -> s.prepare("x", "nope", Map.of()));
        refused(SnapshotException.Reason.NOT_FOUND, "'nope'", () -> s.mounts("nope"));
        refused(SnapshotException.Reason.NOT_FOUND, "'nope'", () -> s.remove("nope"));
        refused(SnapshotException.Reason.NOT_FOUND, "'nope'", () -> s.usage("nope"));
        refused(SnapshotException.Reason.ALREADY_EXISTS, "'top'", () -> s.prepare("top", "", Map.of()));
        refused(SnapshotException.Reason.ALREADY_EXISTS, "'base'", () -> s.commit("base", "top", Map.of()));
        refused(SnapshotException.Reason.INVALID_ARGUMENT, "not a committed", () -> s.prepare("x", "top", Map.of()));
        refused(SnapshotException.Reason.INVALID_ARGUMENT, "key must not be empty", () -> s.prepare("", "", Map.of()));
        assertEquals(3, s.dirs().present().size(), "no refused request left a directory");
    }

    @Test
    void removeRefusesAParentWithChildrenAndOtherwiseDeletesRecordAndDirectory() throws Exception {
        Snapshotter s = open();
        chain(s);
        refused(SnapshotException.Reason.FAILED_PRECONDITION, "has children", () -> s.remove("mid"));
        long id = s.stat("top").id();
        s.remove("top");
        assertFalse(Files.exists(s.dirs().dir(id)));
        s.remove("mid");
        s.remove("base");
        assertTrue(s.list(i -> true).isEmpty());
        assertTrue(s.dirs().present().isEmpty());
    }

    @Test
    void everythingSurvivesReopeningAndCleanupDeletesOnlyWhatNoSnapshotOwns() throws Exception {
        Snapshotter s = open();
        chain(s);
        long top = s.stat("top").id();
        Files.writeString(s.dirs().fs(top).resolve("written"), "x");
        Files.createDirectories(s.dirs().fs(999)); // a crash between mkdir and the metadata write
        Files.createDirectories(s.dirs().work(s.stat("base").id())); // a crash during commit

        Snapshotter again = open();
        assertEquals(s.list(i -> true), again.list(i -> true));
        assertEquals(2, again.cleanup());
        assertFalse(Files.exists(again.dirs().dir(999)));
        assertFalse(Files.exists(again.dirs().work(again.stat("base").id())));
        assertEquals("x", Files.readString(again.dirs().fs(top).resolve("written")));
        assertEquals(0, again.cleanup(), "nothing left to clean");
    }

    @Test
    void aDirectoryLeftAtTheNextIdByACrashBeforeItsRecordIsReplacedByTheNextSnapshot() throws Exception {
        Snapshotter s = open();
        s.prepare("a", "", Map.of());
        long next = s.stat("a").id() + 1;
        Files.createDirectories(s.dirs().fs(next));
        Files.writeString(s.dirs().fs(next).resolve("stale"), "from before the crash");
        Snapshotter again = open();
        again.prepare("b", "", Map.of());
        assertEquals(next, again.stat("b").id());
        assertFalse(Files.exists(again.dirs().fs(next).resolve("stale")));
    }

    @Test
    void updateChangesOnlyLabelsAsTheMaskSays() throws Exception {
        Snapshotter s = open();
        s.prepare("a", "", Map.of("keep", "1", "drop", "2"));
        assertEquals(Map.of("keep", "1", "new", "3"),
                s.update("a", Map.of("new", "3"), List.of("labels.new", "labels.drop")).labels());
        assertEquals(Map.of("only", "x"), s.update("a", Map.of("only", "x"), List.of()).labels());
        assertEquals(Map.of("only", "x"), open().stat("a").labels(), "persisted");
        refused(SnapshotException.Reason.INVALID_ARGUMENT, "'parent'", () -> s.update("a", Map.of(), List.of("parent")));
    }

    @Test
    void usageCountsTheSnapshotsOwnFilesOnceEachNotItsParents() throws Exception {
        Snapshotter s = open();
        chain(s);
        Files.write(s.dirs().fs(s.stat("base").id()).resolve("big"), new byte[10_000]);
        Path fs = s.dirs().fs(s.stat("top").id());
        Files.write(fs.resolve("f"), new byte[1234]);
        Files.createLink(fs.resolve("hardlink"), fs.resolve("f"));
        Files.createDirectory(fs.resolve("d"));
        Files.createSymbolicLink(fs.resolve("d/link"), Path.of("../f"));
        assertEquals(new SnapshotDirs.Usage(1234, 4), s.usage("top"), "root dir, f (= hardlink), d, link");
        assertEquals(new SnapshotDirs.Usage(10_000, 2), s.usage("base"));
    }

    @Test
    void aRootWhosePathWouldBreakOverlayOptionsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Snapshotter(root.resolve("a:b"), Clock.systemUTC()));
        assertTrue(e.getMessage().contains("a:b"), e.getMessage());
    }
}
