package org.layerswap.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.persistence.api.FunctionCatalog;
import org.layerswap.persistence.api.PersistenceException;

/**
 * The catalog collaborator itself on a real H2 file: clock stamping, ordering, skipped rows and write errors
 * ({@link FunctionCatalogStoreTest} covers the same through the service, across reopens).
 */
class CatalogStoreTest {

    @TempDir
    Path dir;

    private static LayerDescriptor layer(char c) {
        return new LayerDescriptor(LayerId.of("sha256:" + String.valueOf(c).repeat(64)), 1, LayerDescriptor.OCI_TAR_GZIP);
    }

    @Test
    void definitionsAndBindingsLoadSortedByKeyAndAreStampedWithTheInjectedClock() {
        FunctionDefinition b = new FunctionDefinition("b", "img:b", "repo/b", List.of(layer('b')), null);
        FunctionDefinition a = new FunctionDefinition("a", "img:a", "repo/a", List.of(layer('a')), null);
        DataLayerBinding y = new DataLayerBinding("a", "model", "y", "data:y", "data", List.of(layer('c')));
        DataLayerBinding x = new DataLayerBinding("a", "model", "x", "data:x", "data", List.of(layer('d')));
        try (Database db = TestDatabases.open(dir)) {
            CatalogStore s = new CatalogStore(db, () -> 77);
            s.saveFunction(b);
            s.saveFunction(a);
            s.saveDataLayerBinding(y);
            s.saveDataLayerBinding(x);
            FunctionCatalog c = s.load();
            assertEquals(List.of(a, b), c.functions());
            assertEquals(List.of(x, y), c.bindings());
            assertEquals(List.of(), c.skipped());
            assertEquals(List.of(77L, 77L, 77L, 77L), db.query("SELECT updated_ts FROM function_catalog UNION ALL "
                    + "SELECT updated_ts FROM data_layer_bindings", ps -> { }, rs -> rs.getLong(1)));
        }
    }

    @Test
    void aDeletedBindingIsGoneFromTheLoadedCatalogAndOnlyThatOne() {
        DataLayerBinding x = new DataLayerBinding("a", "model", "x", "data:x", "data", List.of(layer('d')));
        DataLayerBinding y = new DataLayerBinding("a", "model", "y", "data:y", "data", List.of(layer('c')));
        try (Database db = TestDatabases.open(dir)) {
            CatalogStore s = new CatalogStore(db, () -> 1);
            s.saveDataLayerBinding(x);
            s.saveDataLayerBinding(y);
            assertTrue(s.deleteDataLayerBinding("a", "model", "x"));
            assertFalse(s.deleteDataLayerBinding("a", "model", "x"), "already deleted");
            assertFalse(s.deleteDataLayerBinding("b", "model", "y"), "another function's key");
            assertEquals(List.of(y), s.load().bindings());
        }
    }

    @Test
    void unreadableRowsAreSkippedNamingTheirTableKeyAndReason() {
        try (Database db = TestDatabases.open(dir)) {
            db.update("corrupt", "INSERT INTO function_catalog VALUES ('f', '', 'r', '', '', 0)", ps -> { });
            db.update("corrupt", "INSERT INTO data_layer_bindings VALUES ('f', 'p', 'v', 'ref', 'r', 'x y', 0)", ps -> { });
            FunctionCatalog c = new CatalogStore(db, () -> 0).load();
            assertEquals(List.of(), c.functions());
            assertEquals(List.of(), c.bindings());
            assertEquals(List.of("function_catalog row 'f': no layers",
                    "data_layer_bindings row 'f p=v': layer line 1 'x y' is not '<digest> <size> <mediaType>'"), c.skipped());
        }
    }

    @Test
    void aWriteTheDatabaseRejectsFailsNamingTheFunction() {
        try (Database db = TestDatabases.open(dir)) {
            CatalogStore s = new CatalogStore(db, () -> 0);
            String id = "f".repeat(513); // function_id is VARCHAR(512)
            PersistenceException e = assertThrows(PersistenceException.class,
                    () -> s.saveFunction(new FunctionDefinition(id, "", "r", List.of(layer('a')), null)));
            assertTrue(e.getMessage().startsWith("cannot save the definition of function '" + id + "' on "), e.getMessage());
        }
    }
}
