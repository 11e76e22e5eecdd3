package org.layerswap.routes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.layerswap.routes.RoutesSettings;

class RoutesComponentSettingsTest {

    private static RoutesConfig cfg(String dropDir, int port, String path, int queue) {
        return new RoutesConfig() {
            @Override public Class<? extends Annotation> annotationType() { return RoutesConfig.class; }
            @Override public String dropDir() { return dropDir; }
            @Override public int httpPort() { return port; }
            @Override public String httpPath() { return path; }
            @Override public int queueSize() { return queue; }
            @Override public long rescoreIntervalSeconds() { return 30; }
            @Override public long retentionIntervalSeconds() { return 3600; }
            @Override public long commitTimeoutSeconds() { return 120; }
            @Override public int maxPayloadChars() { return 2000; }
        };
    }

    @Test
    void expandsKarafDataAndAppliesDefaults() {
        String old = System.getProperty("karaf.data");
        System.setProperty("karaf.data", "/opt/karaf/data");
        try {
            RoutesSettings s = RoutesComponent.settings(cfg("${karaf.data}/ingest", 8182, "/ingest", 10_000));
            assertEquals(Path.of("/opt/karaf/data/ingest"), s.dropDir());
            assertEquals(8182, s.httpPort());
        } finally {
            if (old == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", old);
            }
        }
        assertNull(RoutesComponent.settings(cfg(" ", 0, "", 1)).dropDir(), "empty dropDir disables the file route");
        assertEquals("/ingest", RoutesComponent.settings(cfg("", 0, "", 1)).httpPath());
    }

    @Test
    void badConfigNamesTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RoutesComponent.settings(cfg("", 70000, "/x", 1)))
                .getMessage().contains("httpPort"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RoutesComponent.settings(cfg("", 1, "x", 1)))
                .getMessage().contains("httpPath"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RoutesComponent.settings(cfg("", 1, "/x", 0)))
                .getMessage().contains("queueSize"));
    }
}
