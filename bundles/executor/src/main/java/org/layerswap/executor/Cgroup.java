package org.layerswap.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One sandbox's cgroup (one directory per hierarchy in v1, one in v2): which limit it hit, and its removal.
 *
 * <p>Invariant: {@link #close()} leaves no process in the group and no directory behind, or logs why not; it
 * is safe to call more than once.
 */
public final class Cgroup implements AutoCloseable {

    /** A limit a sandbox ran into. */
    /**
     * Which limit ended a run. {@code DISK} is not a cgroup limit: the sandbox reports it when the file system of the
     * function's root is full ({@link RootSpace}); {@link #limitHit()} never answers it.
     */
    public enum LimitHit { NONE, MEMORY, PIDS, DISK }

    private static final long REMOVE_TIMEOUT_NANOS = 5_000_000_000L;

    private final Cgroups.Version version;
    /** controller name to its group directory (all the same directory in v2). */
    private final Map<String, Path> dirs;
    private boolean closed;

    Cgroup(Cgroups.Version version, Map<String, Path> dirs) {
        this.version = version;
        this.dirs = Collections.unmodifiableMap(new LinkedHashMap<>(dirs)); // in creation order: memory, pids, cpu
    }

    /** The files a process writes its pid into to join this group (one per hierarchy). */
    public List<Path> procsFiles() {
        return directories().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    private Collection<Path> directories() {
        return new LinkedHashSet<>(dirs.values());
    }

    /** The first limit hit so far: the OOM killer ran, or a fork/clone was refused at pids.max. */
    public LimitHit limitHit() {
        Path mem = dirs.get("memory");
        long oomKills = counter(version == Cgroups.Version.V2 ? mem.resolve("memory.events") : mem.resolve("memory.oom_control"),
                "oom_kill");
        if (oomKills > 0) {
            return LimitHit.MEMORY;
        }
        return counter(dirs.get("pids").resolve("pids.events"), "max") > 0 ? LimitHit.PIDS : LimitHit.NONE;
    }

    /** The value of a "key value" line of a flat-keyed cgroup file; 0 when absent or unreadable. */
    static long counter(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no such counter on this kernel
        }
        return 0;
    }

    /** The pids in the group, in any hierarchy. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (Path procs : procsFiles()) {
            try {
                for (String line : Files.readAllLines(procs, StandardCharsets.US_ASCII)) {
                    if (!line.isBlank() && !pids.contains(Long.parseLong(line.trim()))) {
                        pids.add(Long.parseLong(line.trim()));
                    }
                }
            } catch (NoSuchFileException e) {
                // already removed
            } catch (IOException e) {
                // unreadable: close() then fails to remove and says so
            }
        }
        return pids;
    }

    /** Kills every process in the group (SIGKILL; v2 through cgroup.kill when the kernel has it). */
    public void killAll() {
        Path kill = dirs.get("pids").resolve("cgroup.kill");
        if (version == Cgroups.Version.V2 && Files.exists(kill)) {
            try {
                write(kill, "1");
                return;
            } catch (IOException e) {
                // fall back to one by one
            }
        }
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * Kills what is left, waits until the group is empty (dying processes leave it when reaped) and removes its
     * directories.
     *
     * @return whether every directory is gone
     */
    public boolean remove() {
        if (closed) {
            return true;
        }
        long deadline = System.nanoTime() + REMOVE_TIMEOUT_NANOS;
        boolean removed = false;
        while (!removed) {
            killAll();
            removed = true;
            for (Path d : directories()) {
                try {
                    Files.deleteIfExists(d);
                } catch (IOException e) {
                    removed = false; // EBUSY while a process is still in it
                }
            }
            if (!removed && System.nanoTime() > deadline) {
                org.slf4j.LoggerFactory.getLogger(Cgroup.class).warn("cannot remove sandbox cgroup {} (pids {})", directories(), pids());
                return false;
            }
            if (!removed) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        closed = true;
        Cgroups.released(name());
        return true;
    }

    /** The group's name (the same last path element in every hierarchy). */
    String name() {
        return dirs.values().iterator().next().getFileName().toString();
    }

    @Override
    public void close() {
        remove();
    }

    static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot write '" + value + "' to " + file + ": " + e, e);
        }
    }
}
