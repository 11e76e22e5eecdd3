package org.layerswap.executor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.Test;
import org.layerswap.executor.SandboxLimits;
import org.layerswap.executor.SandboxSettings;

class ExecutorComponentTest {

    /** The Metatype defaults, with the per-function overrides and uid given. */
    static ExecutorComponent.Config config(int uid, String functionLimits) {
        return config(uid, functionLimits, SandboxSettings.NOBODY);
    }

    static ExecutorComponent.Config config(int uid, String functionLimits, int hostUid) {
        return new ExecutorComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return ExecutorComponent.Config.class; }
            @Override public String bwrap() { return "/usr/bin/bwrap"; }
            @Override public boolean isolateNetwork() { return true; }
            @Override public long timeoutMillis() { return 30_000; }
            @Override public long layerTimeoutMillis() { return 120_000; }
            @Override public int maxConcurrent() { return 8; }
            @Override public int maxOutputBytes() { return 65536; }
            @Override public int historySize() { return 500; }
            @Override public int uid() { return uid; }
            @Override public int gid() { return SandboxSettings.NOBODY; }
            @Override public long probeTimeoutMillis() { return 10_000; }
            @Override public long memoryMb() { return 256; }
            @Override public int pids() { return 128; }
            @Override public double cpus() { return 1.0; }
            @Override public long tmpfsMb() { return 64; }
            @Override public String functionLimits() { return functionLimits; }
            @Override public int sandboxHostUid() { return hostUid; }
            @Override public int sandboxHostGid() { return SandboxSettings.NOBODY; }
        };
    }

    @Test
    void theConfigurationBecomesSandboxSettingsWithLimitsInBytes() {
        SandboxSettings s = ExecutorComponent.settings(config(SandboxSettings.NOBODY, "thumb=memory=1g;tiny=pids=8"));
        assertEquals(SandboxLimits.defaults(), s.limits(), "the Metatype defaults are the documented ones");
        assertEquals(1024 * SandboxLimits.MB, s.limitsFor("thumb").memoryBytes());
        assertEquals(8, s.limitsFor("tiny").pids());
        assertEquals(SandboxSettings.NOBODY, s.uid());
        assertEquals(SandboxSettings.NOBODY, s.sandboxHostUid(), "bubblewrap runs as nobody on the host by default");
    }

    @Test
    void aConfigurationThatWouldRunFunctionsAsRootOrWithBadLimitsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ExecutorComponent.settings(config(0, "")));
        assertEquals("sandboxes never run as host root: sandboxHostUid and sandboxHostGid must be > 0, got 0, 65534",
                assertThrows(IllegalArgumentException.class,
                        () -> ExecutorComponent.settings(config(SandboxSettings.NOBODY, "", 0))).getMessage());
        assertEquals("limits of function 'f': unknown limit 'disk' (keys: memory, pids, cpus, tmpfs)",
                assertThrows(IllegalArgumentException.class,
                        () -> ExecutorComponent.settings(config(SandboxSettings.NOBODY, "f=disk=1g"))).getMessage());
    }
}
