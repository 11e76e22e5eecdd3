package org.layerswap.routes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.routes.EdgeSettings;
import org.layerswap.routes.RoutesSettings;

class RoutesComponentSettingsTest {

    private static RoutesConfig cfg(String dropDir, int port, String path, int queue) {
        return cfg(dropDir, port, path, queue, "", "");
    }

    private static RoutesConfig cfg(String dropDir, int port, String path, int queue, String token, String tokenFile) {
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
            @Override public String token() { return token; }
            @Override public String tokenFile() { return tokenFile; }
            @Override public String allowedHosts() { return "appliance.example, "; }
            @Override public String allowedOrigins() { return ""; }
            @Override public String contentTypes() { return "application/x-ndjson"; }
            @Override public long maxBodyBytes() { return 16L << 20; }
            @Override public int maxLineChars() { return 65536; }
            @Override public int maxFunctionIdChars() { return 256; }
            @Override public int maxTenantChars() { return 256; }
            @Override public int maxParams() { return 32; }
            @Override public int maxParamChars() { return 1024; }
            @Override public long maxFutureSkewSeconds() { return 300; }
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
    void theTokenIsGeneratedOnceIntoAnOwnerOnlyFileAndReadBackAfterwards(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("security/ingest.token");
        EdgeSettings first = RoutesComponent.edge(cfg("", 1, "/x", 1, "", file.toString()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(file.getParent()));
        assertTrue(first.token().length() >= 32, first.token());
        assertEquals(first.token(), RoutesComponent.edge(cfg("", 1, "/x", 1, "", file.toString())).token());
        assertEquals(java.util.Set.of("appliance.example"), first.allowedHosts());
        assertEquals("configured-token-0123456789",
                RoutesComponent.edge(cfg("", 1, "/x", 1, "configured-token-0123456789", file.toString())).token());
    }

    @Test
    void aTokenFileOthersCanReadIsRefused(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("ingest.token");
        Files.writeString(file, "0123456789abcdef0123456789");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        java.io.IOException e = assertThrows(java.io.IOException.class,
                () -> RoutesComponent.edge(cfg("", 1, "/x", 1, "", file.toString())));
        assertTrue(e.getMessage().contains("readable by others"), e.getMessage());
        assertTrue(!e.getMessage().contains("0123456789abcdef"), "the token is not echoed");
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
