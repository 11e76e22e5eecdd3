package org.layerswap.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class DataPathsTest {

    private static final Path DATA = Path.of("/srv/karaf/data");

    @Test
    void aBlankValueMeansTheDefaultUnderTheDataDirectory() {
        assertEquals(Path.of("/srv/karaf/data/fs/copy"), DataPaths.resolve("", "fs/copy", DATA));
        assertEquals(Path.of("/srv/karaf/data/fs/copy"), DataPaths.resolve("  ", "fs/copy", DATA));
        assertEquals(Path.of("/srv/karaf/data/fs/copy"), DataPaths.resolve(null, "fs/copy", DATA));
    }

    @Test
    void thePlaceholderIsExpanded() {
        assertEquals(Path.of("/srv/karaf/data/ingest"), DataPaths.resolve("${karaf.data}/ingest", "x", DATA));
        assertEquals(Path.of("/srv/karaf/data/ingest"), DataPaths.resolve(" ${karaf.data}/a/../ingest ", "x", DATA));
    }

    @Test
    void relativePathsResolveAgainstTheDataDirectoryAndAbsoluteOnesStay() {
        assertEquals(Path.of("/srv/karaf/data/images/layout"), DataPaths.resolve("images/layout", "x", DATA));
        assertEquals(Path.of("/var/lib/layers"), DataPaths.resolve("/var/lib/layers", "x", DATA));
    }

    @Test
    void aRelativeDataDirectoryIsMadeAbsolute() {
        Path p = DataPaths.resolve("", "layers", Path.of("data"));
        assertTrue(p.isAbsolute(), p.toString());
        assertEquals(Path.of("data", "layers").toAbsolutePath().normalize(), p);
    }

    @Test
    void theDataDirectoryIsTheKarafPropertyElseDataUnderTheWorkingDirectory() {
        String saved = System.getProperty(DataPaths.PROPERTY);
        try {
            System.setProperty(DataPaths.PROPERTY, "/opt/k/data");
            assertEquals(Path.of("/opt/k/data"), DataPaths.dataDir());
            assertEquals(Path.of("/opt/k/data/layers"), DataPaths.resolve("", "layers"));
            System.clearProperty(DataPaths.PROPERTY);
            assertEquals(Path.of(System.getProperty("user.dir"), "data"), DataPaths.dataDir());
        } finally {
            if (saved == null) {
                System.clearProperty(DataPaths.PROPERTY);
            } else {
                System.setProperty(DataPaths.PROPERTY, saved);
            }
        }
    }

    @Test
    void anAbsoluteDefaultIsRejectedWithItsValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataPaths.resolve("", "/abs", DATA));
        assertTrue(e.getMessage().contains("/abs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DataPaths.resolve("a\0b", "x", DATA));
        assertTrue(e.getMessage().contains("invalid path"), e.getMessage());
    }
}
