package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.desc;
import static org.layerswap.swap.Fakes.id;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.ImageConfig;
import org.layerswap.persistence.jdbc.H2PersistenceService;
import org.layerswap.persistence.jdbc.PersistenceSettings;
import org.layerswap.swap.internal.CatalogStore;
import org.layerswap.testkit.FakeProfiler;

/** The function catalog survives a restart of the swap manager through a real H2 file, without any layer source. */
class CatalogStoreTest {

    @TempDir
    Path dir;

    private SwapManagerCore core() {
        SwapManagerCore c = new SwapManagerCore(SwapSettings.DEFAULT, new FakeProfiler(), new Fakes.Store(), new Fakes.Backend("fake"),
                System::currentTimeMillis);
        c.start();
        return c;
    }

    @Test
    void definitionsAndBindingsAreRestoredAfterARestart() throws Exception {
        FunctionDefinition f = new FunctionDefinition("f", "functions/f:2", "functions/f", List.of(desc(1, 10), desc(2, 20)),
                new ImageConfig(List.of("/bin/run"), List.of("--fast"), List.of("A=1"), "/app"));
        DataLayerBinding a = new DataLayerBinding("f", "dataset", "a", "data/a:1", "data/a", List.of(desc(9, 100)));
        PersistenceSettings settings = PersistenceSettings.defaults(dir);
        try (H2PersistenceService h2 = H2PersistenceService.open(settings)) {
            SwapManagerCore before = core();
            before.defineFunction("early", "repo/early", List.of(desc(5, 1))); // defined before the store is there
            CatalogStore s = new CatalogStore(before, h2);
            assertEquals(0, s.start(), "nothing stored yet");
            before.defineFunction(new FunctionDefinition("f", "functions/f:1", "functions/f", List.of(desc(3, 1)), null));
            before.defineFunction(f); // re-definition overwrites
            before.bindDataLayer(a);
            s.stop();
            before.close();
        }
        try (H2PersistenceService h2 = H2PersistenceService.open(settings)) {
            SwapManagerCore after = core();
            CatalogStore s = new CatalogStore(after, h2);
            assertEquals(3, s.start(), "two functions and one binding restored");
            assertEquals(Optional.of(f), after.function("f"));
            assertTrue(after.function("early").isPresent());
            assertEquals(List.of(a), after.dataLayerBindings("f"));
            assertEquals(List.of(id(1), id(2), id(9)), after.handleInvocation("f", Map.of("dataset", "a")).layers());
            assertEquals("data/a", after.layer(id(9)).orElseThrow().repository(), "the data layer's repository is known again");
            s.stop();
            after.close();
        }
    }

    @Test
    void anUnboundDataLayerIsNotRestoredAfterARestart() throws Exception {
        DataLayerBinding a = new DataLayerBinding("f", "dataset", "a", "data/a:1", "data/a", List.of(desc(9, 100)));
        DataLayerBinding b = new DataLayerBinding("f", "dataset", "b", "data/b:1", "data/b", List.of(desc(10, 100)));
        PersistenceSettings settings = PersistenceSettings.defaults(dir);
        try (H2PersistenceService h2 = H2PersistenceService.open(settings)) {
            SwapManagerCore before = core();
            CatalogStore s = new CatalogStore(before, h2);
            s.start();
            before.defineFunction("f", "repo/f", List.of(desc(1, 10)));
            before.bindDataLayer(a);
            before.bindDataLayer(b);
            assertTrue(before.unbindDataLayer("f", "dataset", "a").isPresent());
            s.stop();
            before.close();
        }
        try (H2PersistenceService h2 = H2PersistenceService.open(settings)) {
            SwapManagerCore after = core();
            CatalogStore s = new CatalogStore(after, h2);
            assertEquals(2, s.start(), "the function and the binding still bound");
            assertEquals(List.of(b), after.dataLayerBindings("f"));
            assertEquals(List.of(id(1)), after.handleInvocation("f", Map.of("dataset", "a")).layers());
            s.stop();
            after.close();
        }
    }

    @Test
    void unreadableRowsAndBindingsOfUnknownFunctionsAreSkippedNotFatal() throws Exception {
        PersistenceSettings settings = PersistenceSettings.defaults(dir);
        try (H2PersistenceService h2 = H2PersistenceService.open(settings)) {
            h2.saveFunction(new FunctionDefinition("ok", "", "repo/ok", List.of(desc(1, 1)), null));
            h2.saveDataLayerBinding(new DataLayerBinding("gone", "p", "v", "", "r", List.of(desc(9, 1))));
        }
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), "sa", ""); Statement st = c.createStatement()) {
            st.execute("INSERT INTO function_catalog VALUES ('broken', '', 'r', 'not a layer line', '', 0)");
        }
        try (H2PersistenceService h2 = H2PersistenceService.open(settings)) {
            SwapManagerCore core = core();
            CatalogStore s = new CatalogStore(core, h2);
            assertEquals(1, s.start(), "only the readable function with its own layers is restored");
            assertEquals(java.util.Set.of("ok"), core.functionLayers().functions());
            assertEquals(List.of(), core.dataLayerBindings(null));
            s.stop();
            core.close();
        }
    }
}
