package org.layerswap.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.persistence.api.PersistenceException;

/** The pool, migration and synchronous statements, on a real H2 file. */
class DatabaseTest {

    @TempDir
    Path dir;

    @Test
    void opensAndMigratesANewFileAndReopensAtTheSameVersion() throws Exception {
        try (Database db = TestDatabases.open(dir)) {
            assertEquals(Migrator.bundled().latestVersion(), db.schemaVersion());
            assertEquals(List.of(0L), db.query("SELECT COUNT(*) FROM invocations", ps -> { }, rs -> rs.getLong(1)));
        }
        try (Database db = TestDatabases.open(dir)) {
            assertEquals(Migrator.bundled().latestVersion(), db.schemaVersion());
            assertEquals(List.of((long) Migrator.bundled().latestVersion()),
                    db.query("SELECT COUNT(*) FROM schema_version", ps -> { }, rs -> rs.getLong(1)), "no migration applied twice");
        }
    }

    @Test
    void anUpdateIsCommittedWhenItReturns() throws Exception {
        try (Database db = TestDatabases.open(dir)) {
            assertEquals(1, db.update("save", "INSERT INTO model_state VALUES (?, ?, ?)", ps -> {
                ps.setString(1, "k");
                ps.setBytes(2, new byte[] {1, 2});
                ps.setLong(3, 5);
            }));
            try (Connection other = db.connection(); Statement st = other.createStatement();
                 ResultSet rs = st.executeQuery("SELECT updated_ts FROM model_state WHERE state_key = 'k'")) {
                assertTrue(rs.next(), "visible on another connection");
                assertEquals(5, rs.getLong(1));
            }
        }
    }

    @Test
    void aFailingStatementNamesWhatFailedAndTheUrlButNeverThePassword() {
        String secret = "Zx9-s3cret";
        PersistenceSettings s = PersistenceSettings.forUrl(PersistenceSettings.defaults(dir).jdbcUrl(), "sa", secret);
        try (Database db = Database.open(s)) {
            PersistenceException q = assertThrows(PersistenceException.class,
                    () -> db.query("SELECT nope FROM nowhere WHERE x = '" + secret + "'", ps -> { }, rs -> rs.getLong(1)));
            assertTrue(q.getMessage().startsWith("cannot query (SELECT nope FROM nowhere"), q.getMessage());
            assertTrue(q.getMessage().contains(" on " + s.safeUrl() + ": "), q.getMessage());
            assertFalse(q.getMessage().contains(secret), q.getMessage());
            PersistenceException u = assertThrows(PersistenceException.class,
                    () -> db.update("save state 'k'", "INSERT INTO model_state (state_key) VALUES (?)", ps -> ps.setString(1, "k")));
            assertTrue(u.getMessage().startsWith("cannot save state 'k' on "), u.getMessage());
            assertEquals("a *** b", db.redact("a " + secret + " b"));
        }
    }

    @Test
    void aUrlThatIsNotH2IsRefusedBeforeAnythingOpens() {
        PersistenceException e = assertThrows(PersistenceException.class,
                () -> Database.open(PersistenceSettings.forUrl("jdbc:derby:x;password=s3cr3t", "u", "s3cr3t")));
        assertTrue(e.getMessage().contains("not an H2 URL"), e.getMessage());
        assertTrue(e.getMessage().contains("jdbc:derby:x;password=*** is not an H2 URL"), e.getMessage());
    }
}
