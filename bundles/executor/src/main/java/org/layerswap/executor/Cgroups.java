package org.layerswap.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where sandbox cgroups live, cgroup v1 or v2, found from the mount table.
 *
 * <p>v2: the unified hierarchy mounted at {@code /sys/fs/cgroup}; sandboxes go under {@code <root>/layerswap/}
 * with the memory, pids and cpu controllers enabled down to them. v1: one hierarchy per controller, wherever the
 * mount table puts {@code memory}, {@code pids} and {@code cpu} (often {@code cpu,cpuacct} together); each
 * sandbox gets a {@code layerswap/<name>} group in each of the three. Everything else in this class is plain
 * file I/O, so tests can point it at a fake mount table and directory tree.
 */
public final class Cgroups {

    public enum Version { V1, V2 }

    static final String PARENT = "layerswap";
    /** A sandbox group's name: {@code <kind>-<JVM pid>-<n>} ({@code BubblewrapSandbox#cgroupName}). */
    /** Names of the groups this JVM created and has not removed yet (a run in progress, or one being cleaned up). */
    private static final Set<String> IN_USE = ConcurrentHashMap.newKeySet();
    private static final Pattern SANDBOX_GROUP = Pattern.compile("[a-z]+-(\\d{1,18})-\\d+");
    static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");

    private final Version version;
    /** v2: the unified mount; v1: controller to its hierarchy's mount point. */
    private final Map<String, Path> mounts;
    private final String unavailable;

    private Cgroups(Version version, Map<String, Path> mounts, String unavailable) {
        this.version = version;
        this.mounts = mounts;
        this.unavailable = unavailable;
    }

    /** This machine's cgroups, from {@code /proc/self/mounts}. */
    public static Cgroups host() {
        return fromMounts(Path.of("/proc/self/mounts"), Path.of("/sys/fs/cgroup"));
    }

    /**
     * Reads a mount table: cgroup2 mounted on {@code unifiedRoot} means v2; otherwise v1 when the memory, pids and
     * cpu controllers are each mounted somewhere. Neither: {@link #unavailableReason()} says what is missing.
     */
    public static Cgroups fromMounts(Path mountTable, Path unifiedRoot) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountTable);
        } catch (IOException e) {
            return new Cgroups(null, Map.of(), "cannot read the mount table " + mountTable + ": " + e.getMessage());
        }
        Map<String, Path> v1 = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 4) {
                continue;
            }
            Path mountPoint = Path.of(f[1].replace("\\040", " "));
            if (f[2].equals("cgroup2") && mountPoint.equals(unifiedRoot)) {
                return new Cgroups(Version.V2, Map.of("", mountPoint), "");
            }
            if (f[2].equals("cgroup")) {
                for (String option : f[3].split(",")) {
                    if (CONTROLLERS.contains(option)) {
                        v1.putIfAbsent(option, mountPoint);
                    }
                }
            }
        }
        if (v1.keySet().containsAll(CONTROLLERS)) {
            return new Cgroups(Version.V1, Map.copyOf(v1), "");
        }
        List<String> missing = new ArrayList<>(CONTROLLERS);
        missing.removeAll(v1.keySet());
        return new Cgroups(null, Map.of(), "no cgroup2 on " + unifiedRoot + " and no cgroup v1 hierarchy for " + missing
                + " in " + mountTable + ": sandboxes cannot be resource-limited, so functions are not run");
    }

    public Version version() {
        return version;
    }

    /** "" when sandbox cgroups can be made here. */
    public String unavailableReason() {
        return unavailable;
    }

    /** The parent group's directory in each hierarchy (one for v2). */
    List<Path> parents() {
        return mounts.values().stream().distinct().map(m -> m.resolve(PARENT)).toList();
    }

    /**
     * Creates {@code layerswap/<name>} with these limits, processes not yet in it.
     *
     * @throws IOException naming the control file that could not be written
     */
    public Cgroup create(String name, SandboxLimits limits) throws IOException {
        if (!unavailable.isEmpty()) {
            throw new IOException(unavailable);
        }
        if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
            throw new IllegalArgumentException("cgroup name must be [A-Za-z0-9_.-]+, got '" + name + "'");
        }
        if (!IN_USE.add(name)) {
            throw new IllegalArgumentException("cgroup " + name + " is already in use in this JVM");
        }
        Cgroup created = null;
        try {
            if (version == Version.V2) {
                Path root = mounts.get("");
                Path parent = root.resolve(PARENT);
                enableControllers(root);
                Files.createDirectories(parent);
                enableControllers(parent);
                Path dir = parent.resolve(name);
                Files.createDirectory(dir);
                created = new Cgroup(Version.V2, Map.of("memory", dir, "pids", dir, "cpu", dir));
                Cgroup.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
                if (Files.exists(dir.resolve("memory.swap.max"))) {
                    Cgroup.write(dir.resolve("memory.swap.max"), "0");
                }
                Cgroup.write(dir.resolve("pids.max"), Integer.toString(limits.pids()));
                Cgroup.write(dir.resolve("cpu.max"), limits.cpuQuotaMicros() + " " + SandboxLimits.CPU_PERIOD_MICROS);
            } else {
                Map<String, Path> dirs = new LinkedHashMap<>();
                for (String c : CONTROLLERS) {
                    Path dir = mounts.get(c).resolve(PARENT).resolve(name);
                    Files.createDirectories(dir.getParent());
                    if (!dirs.containsValue(dir)) {
                        Files.createDirectory(dir);
                    }
                    dirs.put(c, dir);
                }
                created = new Cgroup(Version.V1, dirs);
                Path mem = dirs.get("memory");
                Cgroup.write(mem.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
                if (Files.exists(mem.resolve("memory.memsw.limit_in_bytes"))) {
                    Cgroup.write(mem.resolve("memory.memsw.limit_in_bytes"), Long.toString(limits.memoryBytes()));
                }
                Cgroup.write(dirs.get("pids").resolve("pids.max"), Integer.toString(limits.pids()));
                Path cpu = dirs.get("cpu");
                Cgroup.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(SandboxLimits.CPU_PERIOD_MICROS));
                Cgroup.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaMicros()));
            }
            return created;
        } catch (IOException | RuntimeException e) {
            if (created != null) {
                created.close();
            }
            IN_USE.remove(name);
            throw e;
        }
    }

    /** v2: a group's children get the memory, pids and cpu controllers (no-op when they already do). */
    private static void enableControllers(Path group) throws IOException {
        Path control = group.resolve("cgroup.subtree_control");
        String enabled = Files.exists(control) ? Files.readString(control) : "";
        List<String> missing = CONTROLLERS.stream().filter(c -> !List.of(enabled.trim().split("\\s+")).contains(c)).toList();
        if (!missing.isEmpty()) {
            Cgroup.write(control, String.join(" ", missing.stream().map(c -> "+" + c).toList()));
        }
    }

    /**
     * Removes empty sandbox groups left behind, named {@code <kind>-<pid>-<n>} ({@code BubblewrapSandbox#cgroupName}):
     * those of a JVM that no longer runs (a crashed earlier appliance), and this JVM's own that no {@link Cgroup} holds
     * any more (a run whose removal timed out). A group another live JVM (another appliance or test on the host)
     * created, or one this JVM holds, is empty between its creation and the launcher joining it, so it is never
     * touched; nor is a non-empty group or one named otherwise (not ours).
     *
     * @return how many were removed
     */
    public int removeStale() {
        return removeStale(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** {@link #removeStale()} with {@code alive} telling which other JVMs' pids still run. */
    int removeStale(LongPredicate alive) {
        long self = ProcessHandle.current().pid();
        int removed = 0;
        for (Path parent : parents()) {
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (Stream<Path> children = Files.list(parent)) {
                for (Path child : children.filter(Files::isDirectory).toList()) {
                    String name = child.getFileName().toString();
                    long owner = ownerPid(name);
                    if (owner < 0 || (owner == self ? IN_USE.contains(name) : alive.test(owner))) {
                        continue;
                    }
                    try {
                        Files.delete(child);
                        removed++;
                    } catch (IOException e) {
                        // still has processes (or control files, in a fake tree): not ours to kill
                    }
                }
            } catch (IOException e) {
                // unreadable parent: create() will say what is wrong
            }
        }
        return removed;
    }

    /** A group this JVM created is removed: its name may be cleaned as stale from now on. */
    static void released(String name) {
        IN_USE.remove(name);
    }

    /** The JVM pid in a sandbox group's name {@code <kind>-<pid>-<n>}; -1 when the name is not of that form. */
    static long ownerPid(String name) {
        Matcher m = SANDBOX_GROUP.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
