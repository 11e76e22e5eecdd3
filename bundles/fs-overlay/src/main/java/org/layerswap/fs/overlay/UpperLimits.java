package org.layerswap.fs.overlay;

import java.util.LinkedHashMap;
import java.util.Map;

import org.layerswap.api.config.ByteSizes;
import org.layerswap.fs.common.SandboxAccess;

/**
 * How many bytes one invocation may write into its own upper layer. Each per-invocation upper lives on its own
 * tmpfs of that size ({@code size=}, plus {@code nr_inodes=} one per 4 KiB so that empty files cannot flood it
 * either); a write past it fails with ENOSPC inside the function, and the executor, seeing the file system of the
 * function's root full ({@code statvfs} through the overlay reports its upper's), ends the run as
 * {@code DISK_EXHAUSTED}. The tmpfs pages count against the sandbox's memory limit (they are charged to the cgroup
 * of the process that writes them), so a bound above the memory limit ends in {@code OUT_OF_MEMORY} first.
 *
 * @param defaultBytes  every function's bound unless {@code functionBytes} says otherwise
 * @param functionBytes function id to its own bound
 */
public record UpperLimits(long defaultBytes, Map<String, Long> functionBytes) {

    public static final long MB = 1024L * 1024;
    /** The default bound: 64 MiB (the executor's default memory limit is 256 MiB). */
    public static final long DEFAULT_BYTES = 64 * MB;

    public UpperLimits {
        functionBytes = Map.copyOf(functionBytes == null ? Map.of() : functionBytes);
        check("the upper size", defaultBytes);
        functionBytes.forEach((fn, b) -> check("the upper size of function '" + fn + "'", b));
    }

    private static void check(String what, long bytes) {
        if (bytes < MB) {
            throw new IllegalArgumentException(what + " must be >= 1 MB, got " + bytes + " bytes");
        }
    }

    public static UpperLimits defaults() {
        return new UpperLimits(DEFAULT_BYTES, Map.of());
    }

    public long bytesFor(String functionId) {
        return functionBytes.getOrDefault(functionId, defaultBytes);
    }

    /** The tmpfs options of one invocation's upper: its size, inodes, and a 0700 top owned by the sandbox user. */
    String tmpfsOptions(String functionId, SandboxAccess access) {
        long bytes = bytesFor(functionId);
        String o = "size=" + bytes + ",nr_inodes=" + Math.max(1024, bytes / 4096) + ",mode=0700";
        return access.isRoot() ? o : o + ",uid=" + access.uid() + ",gid=" + access.gid();
    }

    /**
     * {@code defaultMb} and a spec {@code thumbnail=1g;resize=64m} (sizes in bytes or with a k/m/g suffix; entries
     * separated by ';' or ','; the first '=' ends the function id).
     */
    public static UpperLimits parse(long defaultMb, String spec) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String entry : (spec == null ? "" : spec).split("[;,]")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("upper size '" + entry.trim() + "' must be <function id>=<size>, e.g. thumbnail=256m");
            }
            m.put(entry.substring(0, eq).trim(), bytes(entry.substring(eq + 1).trim()));
        }
        return new UpperLimits(Math.multiplyExact(defaultMb, MB), m);
    }

    static long bytes(String v) {
        try {
            return ByteSizes.parse(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed size '" + v + "' (bytes, or a number with k, m or g)");
        }
    }
}
