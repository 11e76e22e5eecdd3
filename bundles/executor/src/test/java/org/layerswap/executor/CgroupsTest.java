package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layout and limit files of v1 and v2 sandbox cgroups, on fake mount tables and directory trees. */
class CgroupsTest {

    @TempDir
    Path dir;

    static final SandboxLimits LIMITS = new SandboxLimits(64 * SandboxLimits.MB, 16, 0.5, 8 * SandboxLimits.MB);

    private Path mounts(String... lines) throws IOException {
        return Files.write(dir.resolve("mounts"), List.of(lines));
    }

    @Test
    void cgroup2OnTheUnifiedRootIsV2AndGetsItsControllersEnabledDownToTheSandbox() throws IOException {
        Path root = Files.createDirectories(dir.resolve("sys/fs/cgroup"));
        Files.writeString(root.resolve("cgroup.subtree_control"), "memory\n");
        Files.createDirectories(root.resolve("layerswap/x"));
        Files.createFile(root.resolve("layerswap/x/memory.swap.max")); // a leftover that is not empty: kept
        Cgroups c = Cgroups.fromMounts(mounts("proc /proc proc rw 0 0", "cgroup2 " + root + " cgroup2 rw,nsdelegate 0 0"), root);
        assertEquals(Cgroups.Version.V2, c.version());
        assertEquals("", c.unavailableReason());

        Cgroup g = c.create("run-1-1", LIMITS);
        Path d = root.resolve("layerswap/run-1-1");
        assertEquals("pids cpu", Files.readString(root.resolve("cgroup.subtree_control")).replace("+", ""),
                "only what is not enabled yet");
        assertEquals("memory pids cpu", Files.readString(root.resolve("layerswap/cgroup.subtree_control")).replace("+", ""));
        assertEquals(Long.toString(64 * SandboxLimits.MB), Files.readString(d.resolve("memory.max")));
        assertEquals("16", Files.readString(d.resolve("pids.max")));
        assertEquals("50000 100000", Files.readString(d.resolve("cpu.max")));
        assertEquals(List.of(d.resolve("cgroup.procs")), g.procsFiles(), "one hierarchy: one file to join");

        assertEquals(Cgroup.LimitHit.NONE, g.limitHit());
        Files.writeString(d.resolve("pids.events"), "max 3\n");
        assertEquals(Cgroup.LimitHit.PIDS, g.limitHit());
        Files.writeString(d.resolve("memory.events"), "low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\noom_group_kill 0\n");
        assertEquals(Cgroup.LimitHit.MEMORY, g.limitHit(), "an OOM kill wins over the pids limit");
    }

    @Test
    void v1FindsEachControllersHierarchyEvenWhenMountedTogether() throws IOException {
        Path base = dir.resolve("cg");
        Cgroups c = Cgroups.fromMounts(mounts(
                "cgroup " + base.resolve("memory") + " cgroup rw,relatime,memory 0 0",
                "cgroup " + base.resolve("cpu,cpuacct") + " cgroup rw,relatime,cpu,cpuacct 0 0",
                "cgroup " + base.resolve("pids") + " cgroup rw,relatime,pids 0 0",
                "cgroup2 " + base.resolve("unified") + " cgroup2 rw 0 0"), dir.resolve("sys/fs/cgroup"));
        assertEquals(Cgroups.Version.V1, c.version(), "cgroup2 elsewhere than the root is the hybrid layout's, not v2");
        Cgroup g = c.create("run-2-7", LIMITS);
        Path mem = base.resolve("memory/layerswap/run-2-7");
        Path cpu = base.resolve("cpu,cpuacct/layerswap/run-2-7");
        Path pids = base.resolve("pids/layerswap/run-2-7");
        assertEquals(Long.toString(64 * SandboxLimits.MB), Files.readString(mem.resolve("memory.limit_in_bytes")));
        assertEquals("16", Files.readString(pids.resolve("pids.max")));
        assertEquals("100000", Files.readString(cpu.resolve("cpu.cfs_period_us")));
        assertEquals("50000", Files.readString(cpu.resolve("cpu.cfs_quota_us")));
        assertEquals(List.of(mem.resolve("cgroup.procs"), pids.resolve("cgroup.procs"), cpu.resolve("cgroup.procs")), g.procsFiles());
        Files.writeString(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        assertEquals(Cgroup.LimitHit.MEMORY, g.limitHit());
    }

    @Test
    void withoutCgroupsNothingRunsAndTheReasonNamesWhatIsMissing() throws IOException {
        Cgroups c = Cgroups.fromMounts(mounts("cgroup /x/memory cgroup rw,memory 0 0"), Path.of("/sys/fs/cgroup"));
        assertNull(c.version());
        assertTrue(c.unavailableReason().contains("no cgroup v1 hierarchy for [pids, cpu]"), c.unavailableReason());
        IOException e = assertThrows(IOException.class, () -> c.create("run-1", LIMITS));
        assertEquals(c.unavailableReason(), e.getMessage());
    }

    @Test
    void groupNamesCannotLeaveTheParent() throws IOException {
        Path root = Files.createDirectories(dir.resolve("v2"));
        Cgroups c = Cgroups.fromMounts(mounts("cgroup2 " + root + " cgroup2 rw 0 0"), root);
        assertThrows(IllegalArgumentException.class, () -> c.create("../../escape", LIMITS));
        assertThrows(IllegalArgumentException.class, () -> c.create("..", LIMITS));
    }

    @Test
    void removeStaleDeletesOnlyEmptyGroupsOfJvmsThatNoLongerRun() throws IOException {
        Path root = Files.createDirectories(dir.resolve("sys/fs/cgroup"));
        Path parent = Files.createDirectories(root.resolve("layerswap"));
        Path deadJvms = Files.createDirectories(parent.resolve("run-111-4"));
        Path deadProbe = Files.createDirectories(parent.resolve("probe-111-1"));
        Path liveJvms = Files.createDirectories(parent.resolve("run-222-9")); // created, launcher not joined yet
        Path notOurs = Files.createDirectories(parent.resolve("system.slice"));
        Path deadButBusy = Files.createDirectories(parent.resolve("run-333-1"));
        Files.createFile(deadButBusy.resolve("cgroup.procs")); // a fake tree's stand-in for processes still in it
        Cgroups c = Cgroups.fromMounts(mounts("cgroup2 " + root + " cgroup2 rw 0 0"), root);

        long self = ProcessHandle.current().pid();
        Path ownLeftover = Files.createDirectories(parent.resolve("run-" + self + "-1000001")); // its removal timed out
        Cgroup held = c.create("run-" + self + "-1000002", LIMITS);
        Path heldDir = parent.resolve("run-" + self + "-1000002");
        try (var files = Files.list(heldDir)) { // the fake tree's control files, so that only the hold protects it
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }

        assertEquals(3, c.removeStale(pid -> pid == 222));

        assertTrue(Files.notExists(deadJvms) && Files.notExists(deadProbe), "the groups of a JVM that is gone");
        assertTrue(Files.notExists(ownLeftover), "this JVM's group no Cgroup holds any more");
        assertTrue(Files.isDirectory(heldDir), "this JVM's group a run holds, empty before its launcher joined");
        held.close();
        assertTrue(Files.notExists(heldDir));
        assertTrue(Files.isDirectory(liveJvms), "another live JVM's fresh group is left for its run");
        assertTrue(Files.isDirectory(notOurs) && Files.isDirectory(deadButBusy));
    }

    @Test
    void aSandboxGroupsOwnerIsThePidInItsName() {
        assertEquals(29541, Cgroups.ownerPid("run-29541-2"));
        assertEquals(7, Cgroups.ownerPid("probe-7-1"));
        assertEquals(-1, Cgroups.ownerPid("system.slice"));
        assertEquals(-1, Cgroups.ownerPid("run-x-1"));
    }
}
