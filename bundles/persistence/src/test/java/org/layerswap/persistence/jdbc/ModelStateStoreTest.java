package org.layerswap.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable key/value state in {@code model_state}, on a real H2 file. */
class ModelStateStoreTest {

    @TempDir
    Path dir;

    @Test
    void aSavedStateIsReadBackAfterAReopenAndASecondSaveReplacesIt() {
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        try (Database db = TestDatabases.open(dir)) {
            ModelStateStore s = new ModelStateStore(db, () -> 1000);
            s.saveState("profiler.snapshot", big);
            s.saveState("feedback.controller", new byte[] {1});
            s.saveState("feedback.controller", new byte[] {2, 3});
        }
        try (Database db = TestDatabases.open(dir)) {
            ModelStateStore s = new ModelStateStore(db, () -> 2000);
            assertArrayEquals(big, s.loadState("profiler.snapshot").orElseThrow());
            assertArrayEquals(new byte[] {2, 3}, s.loadState("feedback.controller").orElseThrow());
            assertTrue(s.loadState("nothing").isEmpty());
            assertEquals(List.of("feedback.controller", "profiler.snapshot"), s.stateKeys());
        }
    }

    @Test
    void eachSaveIsStampedWithTheInjectedClock() {
        long[] now = {1000};
        try (Database db = TestDatabases.open(dir)) {
            ModelStateStore s = new ModelStateStore(db, () -> now[0]);
            s.saveState("k", new byte[] {1});
            now[0] = 4242;
            s.saveState("k", new byte[] {2});
            assertEquals(List.of(4242L), db.query("SELECT updated_ts FROM model_state", ps -> { }, rs -> rs.getLong(1)));
        }
    }

    @Test
    void badKeysAndValuesAreRejectedNamingWhatIsWrong() {
        try (Database db = TestDatabases.open(dir)) {
            ModelStateStore s = new ModelStateStore(db, () -> 0);
            assertEquals("state key must be 1..256 characters, was ' '",
                    assertThrows(IllegalArgumentException.class, () -> s.saveState(" ", new byte[0])).getMessage());
            assertEquals("state key must be 1..256 characters, was null",
                    assertThrows(IllegalArgumentException.class, () -> s.loadState(null)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.saveState("k".repeat(257), new byte[0]));
            assertEquals("null state value for key k", assertThrows(IllegalArgumentException.class, () -> s.saveState("k", null)).getMessage());
            assertEquals(List.of(), s.stateKeys(), "nothing stored by a rejected call");
        }
    }
}
