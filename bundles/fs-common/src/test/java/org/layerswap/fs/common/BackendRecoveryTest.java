package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ComposedRoot;

/** Recovery over the generational layout, without mounts (those are covered by the overlay backend's tests). */
class BackendRecoveryTest {

    @TempDir
    Path dir;

    final List<DirBackend> backends = new ArrayList<>();

    @AfterEach
    void closeAll() {
        backends.forEach(DirBackend::close);
    }

    DirBackend backend() {
        DirBackend b = new DirBackend(dir.resolve("root"), 60_000); // retired generations stay on disk
        backends.add(b);
        return b;
    }

    Path layer(String name) throws IOException {
        return Files.createDirectories(dir.resolve("layers").resolve(name));
    }

    /** Composes {@code fn} twice and "crashes": gen-1 retired but still on disk, gen-2 current. */
    Path crashedWithTwoGenerations(String fn) throws IOException {
        DirBackend before = backend();
        before.compose(fn, List.of(layer("a")));
        before.compose(fn, List.of(layer("a"), layer("b")));
        before.abandon();
        return before.root().resolve(GenerationLayout.dirName(fn));
    }

    @Test
    void theCurrentGenerationIsAdoptedAndStaleAndHalfBuiltOnesGo() throws IOException {
        Path fnDir = crashedWithTwoGenerations("fn");
        Files.createDirectories(fnDir.resolve("gen-9/merged")); // half-built: no layers file
        Files.createSymbolicLink(fnDir.resolve("current.tmp"), Path.of("gen-9/merged"));
        DirBackend after = backend();
        GenerationalBackend.RecoveryReport r = after.recover();
        assertEquals(new GenerationalBackend.RecoveryReport(1, 0, 2, 0, 0, List.of()), r);
        ComposedRoot c = after.composed("fn").orElseThrow();
        assertEquals(2, c.generation());
        assertEquals(List.of(dir.resolve("layers/a"), dir.resolve("layers/b")), c.layerDirs());
        assertFalse(Files.exists(fnDir.resolve("gen-1")) || Files.exists(fnDir.resolve("gen-9")));
        assertFalse(Files.exists(fnDir.resolve("current.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(10, after.compose("fn", List.of(layer("c"))).generation(), "numbering goes on after the highest seen");
    }

    @Test
    void aCurrentGenerationThatIsNotIntactIsRebuilt() throws IOException {
        Path fnDir = crashedWithTwoGenerations("fn");
        Trees.deleteTree(fnDir.resolve("gen-2/merged"));
        DirBackend after = backend();
        GenerationalBackend.RecoveryReport r = after.recover();
        assertEquals(1, r.rebuilt());
        assertEquals(1, after.rebuilds);
        assertTrue(Files.isDirectory(fnDir.resolve("current")), "current resolves again");
    }

    @Test
    void aRebuildThatFailsRemovesTheFunctionAndSaysWhy() throws IOException {
        Path fnDir = crashedWithTwoGenerations("fn");
        Trees.deleteTree(fnDir.resolve("gen-2/merged"));
        DirBackend after = backend();
        after.failRebuild = true;
        GenerationalBackend.RecoveryReport r = after.recover();
        assertEquals(1, r.removedFunctions());
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).contains("function fn: cannot rebuild") && r.problems().get(0).contains("layer directory gone"),
                r.problems().toString());
        assertFalse(Files.exists(fnDir));
        assertTrue(after.composed("fn").isEmpty());
    }

    @Test
    void directoriesThatNameNoFunctionOrTheWrongOneOrHaveNoCurrentLinkGo() throws IOException {
        crashedWithTwoGenerations("kept");
        Path root = dir.resolve("root");
        Path stray = Files.createDirectories(root.resolve("stray/gen-1/merged"));
        Path foreign = Files.createDirectories(root.resolve("foreign"));
        GenerationLayout.writeFunctionId(foreign, "someone-else");
        Path unlinked = Files.createDirectories(root.resolve("unlinked/gen-1/merged"));
        GenerationLayout.writeFunctionId(root.resolve("unlinked"), "unlinked");
        Path hidden = Files.createDirectories(root.resolve(".hidden"));
        DirBackend after = backend();
        GenerationalBackend.RecoveryReport r = after.recover();
        assertEquals(3, r.removedFunctions());
        assertEquals(1, r.adopted());
        assertEquals(List.of(foreign + ": function file names 'someone-else', which does not map to this directory"), r.problems());
        assertFalse(Files.exists(stray.getParent().getParent()) || Files.exists(foreign) || Files.exists(unlinked.getParent().getParent()));
        assertTrue(Files.isDirectory(hidden), "dot-directories are not the backend's");
        assertEquals(List.of("kept"), after.composed().stream().map(ComposedRoot::functionId).toList());
        assertTrue(after.recoverySummary().startsWith("kept 1 intact root(s) as they were, rebuilt 0; cleaned "),
                after.recoverySummary());
        assertTrue(after.recoverySummary().contains("3 function dir(s); problems: " + foreign), after.recoverySummary());
    }

    @Test
    void anEmptyOrMissingRootRecoversNothing() throws IOException {
        DirBackend b = backend();
        assertEquals("", b.recoverySummary(), "before recovery");
        assertEquals(new GenerationalBackend.RecoveryReport(0, 0, 0, 0, 0, List.of()), b.recover());
        assertEquals("", b.recoverySummary(), "nothing found, nothing to say");
        assertTrue(Files.isDirectory(dir.resolve("root")));
    }
}
