package org.layerswap.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.ImageConfig;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.persistence.api.FunctionCatalog;
import org.layerswap.persistence.api.Tables;

/** The swap manager's function catalog in a real H2 file: survives a reopen, re-definition overwrites, bad rows are skipped. */
class FunctionCatalogStoreTest {

    @TempDir
    Path dir;

    private static LayerDescriptor layer(char c, long size) {
        return new LayerDescriptor(LayerId.of("sha256:" + String.valueOf(c).repeat(64)), size, LayerDescriptor.OCI_TAR_GZIP);
    }

    @Test
    void definitionsAndBindingsSurviveAReopenAndRedefinitionOverwrites() throws Exception {
        ImageConfig cfg = new ImageConfig(List.of("/bin/sh", "-c"), List.of("echo 'a b'\nnext=1 # not a comment"),
                List.of("PATH=/usr/bin:/bin", "NAME=x=y"), "/srv/app");
        FunctionDefinition f = new FunctionDefinition("thumb", "functions/thumb:1", "functions/thumb", List.of(layer('a', 10), layer('b', 20)), cfg);
        FunctionDefinition g = new FunctionDefinition("g", "", "repo/g", List.of(layer('c', 30)), null);
        DataLayerBinding bind = new DataLayerBinding("thumb", "model", "large v2", "data/large:2", "data/large", List.of(layer('d', 40)));
        try (H2PersistenceService s = H2PersistenceService.open(PersistenceSettings.defaults(dir))) {
            s.saveFunction(new FunctionDefinition("thumb", "functions/thumb:0", "functions/thumb", List.of(layer('e', 1)), null));
            s.saveFunction(f); // re-definition overwrites
            s.saveFunction(g);
            s.saveDataLayerBinding(new DataLayerBinding("thumb", "model", "large v2", "old", "data/old", List.of(layer('f', 1))));
            s.saveDataLayerBinding(bind);
            assertEquals(2, s.count(Tables.FUNCTION_CATALOG));
            assertEquals(1, s.count(Tables.DATA_LAYER_BINDINGS));
        }
        assertTrue(Files.exists(dir.resolve("layerswap").resolve("layerswap.mv.db")));
        try (H2PersistenceService s = H2PersistenceService.open(PersistenceSettings.defaults(dir))) {
            FunctionCatalog c = s.loadFunctionCatalog();
            assertEquals(List.of(g, f), c.functions(), "by function id, exactly as saved (layers, sizes, media types, config)");
            assertEquals(List.of(bind), c.bindings());
            assertEquals(List.of(), c.skipped());
        }
    }

    @Test
    void corruptRowsAreSkippedWithTheirReasonAndTheRestLoads() throws Exception {
        FunctionDefinition ok = new FunctionDefinition("ok", "img:1", "repo/ok", List.of(layer('a', 1)), null);
        PersistenceSettings settings = PersistenceSettings.defaults(dir);
        try (H2PersistenceService s = H2PersistenceService.open(settings)) {
            s.saveFunction(ok);
        }
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), "sa", ""); Statement st = c.createStatement()) {
            st.execute("INSERT INTO function_catalog VALUES ('baddigest', '', 'r', 'sha256:xyz 1 t', '', 0)");
            st.execute("INSERT INTO function_catalog VALUES ('badsize', '', 'r', 'sha256:" + "b".repeat(64) + " big t', '', 0)");
            st.execute("INSERT INTO function_catalog VALUES ('nolayers', '', 'r', '', '', 0)");
            st.execute("INSERT INTO function_catalog VALUES ('badconfig', '', 'r', 'sha256:" + "b".repeat(64) + " 1 t', 'shell=/bin/sh', 0)");
            st.execute("INSERT INTO data_layer_bindings VALUES ('ok', 'p', 'v', 'ref', 'r', 'garbage', 0)");
        }
        try (H2PersistenceService s = H2PersistenceService.open(settings)) {
            FunctionCatalog c = s.loadFunctionCatalog();
            assertEquals(List.of(ok), c.functions());
            assertEquals(List.of(), c.bindings());
            assertEquals(5, c.skipped().size(), c.skipped().toString());
            String all = String.join("\n", c.skipped());
            assertTrue(all.contains("function_catalog row 'baddigest'"), all);
            assertTrue(all.contains("size 'big' is not a number"), all);
            assertTrue(all.contains("function_catalog row 'nolayers': no layers"), all);
            assertTrue(all.contains("unknown config key 'shell'"), all);
            assertTrue(all.contains("data_layer_bindings row 'ok p=v'"), all);
        }
    }
}
