package org.layerswap.executor;

import java.util.Locale;

/**
 * What one sandbox may use, enforced by its own cgroup (memory, pids, CPU) and by the size of its {@code /tmp}.
 *
 * @param memoryBytes hard memory limit (swap included where the kernel accounts it); tmpfs pages count too
 * @param pids        processes and threads at once, bubblewrap's own two included
 * @param cpus        CPU bandwidth in cores (0.5 = half a core), as a CFS quota over a 100 ms period
 * @param tmpfsBytes  size of the sandbox's {@code /tmp}
 */
public record SandboxLimits(long memoryBytes, int pids, double cpus, long tmpfsBytes) {

    public static final long MB = 1024L * 1024;

    public SandboxLimits {
        if (memoryBytes < 4 * MB) {
            throw new IllegalArgumentException("memory limit must be >= 4 MB, got " + memoryBytes + " bytes");
        }
        if (pids < 4) {
            throw new IllegalArgumentException("pids limit must be >= 4 (bubblewrap itself uses 2), got " + pids);
        }
        if (!(cpus >= 0.01) || cpus > 1024) {
            throw new IllegalArgumentException("cpus must be between 0.01 and 1024, got " + cpus);
        }
        if (tmpfsBytes < MB) {
            throw new IllegalArgumentException("tmpfs size must be >= 1 MB, got " + tmpfsBytes + " bytes");
        }
    }

    public static SandboxLimits defaults() {
        return new SandboxLimits(256 * MB, 128, 1.0, 64 * MB);
    }

    /** CFS quota in microseconds per {@link #CPU_PERIOD_MICROS}. */
    public long cpuQuotaMicros() {
        return Math.max(1000, Math.round(cpus * CPU_PERIOD_MICROS));
    }

    public static final long CPU_PERIOD_MICROS = 100_000;

    /**
     * These limits with some replaced by a spec such as {@code memory=512m,pids=64,cpus=0.5,tmpfs=16m} (sizes in
     * bytes or with a k/m/g suffix; keys in any order, each optional).
     */
    public SandboxLimits with(String spec) {
        long memory = memoryBytes;
        int p = pids;
        double c = cpus;
        long tmpfs = tmpfsBytes;
        for (String part : spec.split(",")) {
            String kv = part.trim();
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("limit '" + kv + "' is not key=value (keys: memory, pids, cpus, tmpfs)");
            }
            String key = kv.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = kv.substring(eq + 1).trim();
            try {
                switch (key) {
                    case "memory" -> memory = bytes(value);
                    case "pids" -> p = Integer.parseInt(value);
                    case "cpus" -> c = Double.parseDouble(value);
                    case "tmpfs" -> tmpfs = bytes(value);
                    default -> throw new IllegalArgumentException("unknown limit '" + key + "' (keys: memory, pids, cpus, tmpfs)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit " + key + " has a malformed value '" + value + "'");
            }
        }
        return new SandboxLimits(memory, p, c, tmpfs);
    }

    static long bytes(String v) {
        return org.layerswap.api.config.ByteSizes.parse(v);
    }
}
