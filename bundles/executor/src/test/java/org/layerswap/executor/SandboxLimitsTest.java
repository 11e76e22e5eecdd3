package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SandboxLimitsTest {

    @Test
    void aSpecReplacesOnlyTheLimitsItNames() {
        SandboxLimits d = SandboxLimits.defaults();
        assertEquals(new SandboxLimits(256 * SandboxLimits.MB, 128, 1.0, 64 * SandboxLimits.MB), d);
        assertEquals(new SandboxLimits(1024 * SandboxLimits.MB, 64, 0.5, 16 * SandboxLimits.MB),
                d.with("memory=1g, pids=64,cpus=0.5,tmpfs=16m"));
        assertEquals(new SandboxLimits(8192 * 1024, 128, 1.0, 64 * SandboxLimits.MB), d.with("memory=8192k"));
        assertEquals(50_000, d.with("cpus=0.5").cpuQuotaMicros());
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        SandboxLimits d = SandboxLimits.defaults();
        assertEquals("unknown limit 'disk' (keys: memory, pids, cpus, tmpfs)",
                assertThrows(IllegalArgumentException.class, () -> d.with("disk=1g")).getMessage());
        assertEquals("limit memory has a malformed value 'lots'",
                assertThrows(IllegalArgumentException.class, () -> d.with("memory=lots")).getMessage());
        assertEquals("pids limit must be >= 4 (bubblewrap itself uses 2), got 1",
                assertThrows(IllegalArgumentException.class, () -> d.with("pids=1")).getMessage());
    }

    @Test
    void perFunctionLimitsAreCheckedWhenConfiguredAndRootIsRefused() {
        Map<String, String> m = SandboxSettings.parseFunctionLimits(new String[] {"thumb=memory=512m,pids=64;resize=pids=32", " "});
        assertEquals(Map.of("thumb", "memory=512m,pids=64", "resize", "pids=32"), m);
        SandboxSettings s = SandboxSettings.defaults().withLimits(SandboxLimits.defaults(), m);
        assertEquals(64, s.limitsFor("thumb").pids());
        assertEquals(128, s.limitsFor("other").pids());
        assertEquals("limits of function 'f': unknown limit 'cpu' (keys: memory, pids, cpus, tmpfs)",
                assertThrows(IllegalArgumentException.class,
                        () -> s.withLimits(SandboxLimits.defaults(), Map.of("f", "cpu=2"))).getMessage());
        assertEquals("limits of function 'memory': limit '1g' is not key=value (keys: memory, pids, cpus, tmpfs)",
                assertThrows(IllegalArgumentException.class, () -> s.withLimits(SandboxLimits.defaults(),
                        SandboxSettings.parseFunctionLimits(new String[] {"memory=1g"}))).getMessage(), "an entry without a function id");
        assertThrows(IllegalArgumentException.class, () -> SandboxSettings.parseFunctionLimits(new String[] {"=pids=5"}));
        assertEquals("functions never run as root: uid and gid must be > 0, got 0, 65534",
                assertThrows(IllegalArgumentException.class, () -> new SandboxSettings(Path.of("/usr/bin/bwrap"), true, 1, 1, 0,
                        65534, 1, SandboxLimits.defaults(), Map.of())).getMessage());
    }
}
