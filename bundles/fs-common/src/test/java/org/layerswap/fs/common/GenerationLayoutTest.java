package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationLayoutTest {

    @TempDir
    Path dir;

    @Test
    void dirNamesAreSafeAndShort() {
        assertEquals("fn-1_a.b", GenerationLayout.dirName("fn-1_a.b"));
        assertEquals("%2Fetc%2Fpasswd", GenerationLayout.dirName("/etc/passwd"));
        assertEquals("%2E.", GenerationLayout.dirName(".."));
        String longName = GenerationLayout.dirName("x".repeat(300));
        assertTrue(longName.length() <= 48, longName);
        assertTrue(!GenerationLayout.dirName("a#shadow").contains("#"));
        assertTrue(!GenerationLayout.dirName("x".repeat(300)).equals(GenerationLayout.dirName("x".repeat(301))), "hash keeps long ids apart");
        assertEquals(GenerationLayout.dirName("fn"), GenerationalBackend.dirName("fn"));
    }

    @Test
    void generationDirectoriesAreNumberedAndTheHighestIsFound() throws IOException {
        assertEquals(0, GenerationLayout.highestGeneration(dir.resolve("absent")));
        for (String n : List.of("gen-3", "gen-10", "gen-x", "generation-99", "current")) {
            Files.createDirectories(dir.resolve(n));
        }
        assertEquals(10, GenerationLayout.highestGeneration(dir));
        assertEquals(3, GenerationLayout.generationNumber(dir.resolve(GenerationLayout.generationName(3))));
        assertEquals(-1, GenerationLayout.generationNumber(dir.resolve("gen-x")));
        List<Path> gens = new ArrayList<>(GenerationLayout.generations(dir));
        gens.sort(null);
        assertEquals(List.of(dir.resolve("gen-10"), dir.resolve("gen-3")), gens);
    }

    @Test
    void theCurrentGenerationIsReadFromTheLinkOnlyWhenItHasOurForm() throws IOException {
        assertNull(GenerationLayout.currentGeneration(dir));
        Path cur = Files.createSymbolicLink(dir.resolve(GenerationLayout.CURRENT), Path.of("gen-4", "merged"));
        assertEquals("gen-4", GenerationLayout.currentGeneration(dir));
        Files.delete(cur);
        Files.createSymbolicLink(cur, Path.of("/etc"));
        assertNull(GenerationLayout.currentGeneration(dir));
    }

    @Test
    void functionIdAndLayerListRoundTrip() throws IOException {
        assertNull(GenerationLayout.readFunctionId(dir));
        GenerationLayout.writeFunctionId(dir, "fn/with slash ");
        assertEquals("fn/with slash", GenerationLayout.readFunctionId(dir));
        List<Path> layers = List.of(Path.of("/store/layers/a"), Path.of("/store/layers/b c"));
        GenerationLayout.writeLayers(dir, layers);
        assertEquals(layers, GenerationLayout.readLayers(dir));
    }

    @Test
    void composeArgumentsAreCheckedWithTheFunctionNamed() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        assertEquals(List.of(a), GenerationLayout.checkLayers("fn", List.of(dir.resolve("x/../a"))));
        assertThrows(IllegalArgumentException.class, () -> GenerationLayout.checkLayers(" ", List.of(a)));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> GenerationLayout.checkLayers("fn", List.of()));
        assertEquals("function fn: no layer directories to compose", none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GenerationLayout.checkLayers("fn", Arrays.asList(a, null)));
        IOException missing = assertThrows(IOException.class, () -> GenerationLayout.checkLayers("fn", List.of(dir.resolve("gone"))));
        assertTrue(missing.getMessage().contains("fn") && missing.getMessage().contains("gone"), missing.getMessage());
        Path nl = Files.createDirectories(dir.resolve("new\nline"));
        assertThrows(IllegalArgumentException.class, () -> GenerationLayout.checkLayers("fn", List.of(nl)));
    }
}
