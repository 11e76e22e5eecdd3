package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk watch itself; a root that really fills up is {@code FunctionRunnerTest}'s DISK case. */
class RootSpaceTest {

    @TempDir
    Path dir;

    @Test
    void aRootWithSpaceLeftIsNotFullAndReportsItsFileSystemsSize() {
        RootSpace s = RootSpace.of(dir);
        assertFalse(s.full());
        assertTrue(s.totalBytes() > 0);
    }

    @Test
    void whatCannotBeToldIsNeverReportedFull() {
        RootSpace gone = RootSpace.of(dir.resolve("torn-down-root"));
        assertFalse(gone.full(), "a root unmounted after the run is not a disk limit");
        assertEquals(0, gone.totalBytes());
        RootSpace noBinding = new RootSpace(Optional.empty(), dir);
        assertFalse(noBinding.full());
        assertEquals(0, noBinding.totalBytes());
    }
}
