package org.layerswap.executor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How functions are sandboxed.
 *
 * @param bwrap              the bubblewrap binary
 * @param isolateNetwork     give each function an empty network namespace (no network at all)
 * @param timeoutMillis      wall-clock limit of one execution; the whole sandbox is killed after it
 * @param maxOutputBytes     bytes of stdout and of stderr kept per execution (the rest is drained and dropped)
 * @param uid                the uid functions run as inside their user namespace (never 0)
 * @param gid                the gid functions run as (never 0)
 * @param probeTimeoutMillis how long the activation probe (a trivial sandbox) may take
 * @param limits             every function's cgroup limits unless {@code functionLimits} says otherwise
 * @param functionLimits     function id to a spec overriding some of {@code limits}, e.g. {@code memory=1g,pids=32}
 * @param sandboxHostUid            the unprivileged host uid bubblewrap runs as ({@code setpriv}): {@code uid} inside maps
 *                           onto it, so every file a function writes is owned by it (never 0; the filesystem
 *                           backends make each function's tree its own and let its group through their directories)
 * @param sandboxHostGid            the host gid likewise (never 0)
 */
public record SandboxSettings(Path bwrap, boolean isolateNetwork, long timeoutMillis, int maxOutputBytes, int uid, int gid,
                              long probeTimeoutMillis, SandboxLimits limits, Map<String, String> functionLimits,
                              int sandboxHostUid, int sandboxHostGid) {

    /** nobody/nogroup on Debian. */
    public static final int NOBODY = 65534;

    public SandboxSettings {
        if (bwrap == null || !bwrap.isAbsolute()) {
            throw new IllegalArgumentException("bwrap must be an absolute path, got " + bwrap);
        }
        if (timeoutMillis < 1 || probeTimeoutMillis < 1) {
            throw new IllegalArgumentException("timeoutMillis and probeTimeoutMillis must be >= 1, got " + timeoutMillis
                    + ", " + probeTimeoutMillis);
        }
        if (maxOutputBytes < 0) {
            throw new IllegalArgumentException("maxOutputBytes must be >= 0, got " + maxOutputBytes);
        }
        if (uid <= 0 || gid <= 0) {
            throw new IllegalArgumentException("functions never run as root: uid and gid must be > 0, got " + uid + ", " + gid);
        }
        if (sandboxHostUid <= 0 || sandboxHostGid <= 0) {
            throw new IllegalArgumentException("sandboxes never run as host root: sandboxHostUid and sandboxHostGid must be > 0, got "
                    + sandboxHostUid + ", " + sandboxHostGid);
        }
        if (limits == null) {
            throw new IllegalArgumentException("limits must be given");
        }
        functionLimits = Map.copyOf(functionLimits == null ? Map.of() : functionLimits);
        for (Map.Entry<String, String> e : functionLimits.entrySet()) {
            try {
                limits.with(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("limits of function '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
    }

    /** Host user nobody/nogroup. */
    public SandboxSettings(Path bwrap, boolean isolateNetwork, long timeoutMillis, int maxOutputBytes, int uid, int gid,
                           long probeTimeoutMillis, SandboxLimits limits, Map<String, String> functionLimits) {
        this(bwrap, isolateNetwork, timeoutMillis, maxOutputBytes, uid, gid, probeTimeoutMillis, limits, functionLimits, NOBODY, NOBODY);
    }

    /** Defaults for everything but what is given: nobody inside and on the host, 10 s probe, {@link SandboxLimits#defaults()}. */
    public SandboxSettings(Path bwrap, boolean isolateNetwork, long timeoutMillis, int maxOutputBytes) {
        this(bwrap, isolateNetwork, timeoutMillis, maxOutputBytes, NOBODY, NOBODY, 10_000, SandboxLimits.defaults(), Map.of());
    }

    public static SandboxSettings defaults() {
        return new SandboxSettings(Path.of("/usr/bin/bwrap"), true, 30_000, 64 * 1024);
    }

    public SandboxSettings withLimits(SandboxLimits defaults, Map<String, String> perFunction) {
        return new SandboxSettings(bwrap, isolateNetwork, timeoutMillis, maxOutputBytes, uid, gid, probeTimeoutMillis, defaults,
                perFunction, sandboxHostUid, sandboxHostGid);
    }

    public SandboxSettings withProbeTimeoutMillis(long millis) {
        return new SandboxSettings(bwrap, isolateNetwork, timeoutMillis, maxOutputBytes, uid, gid, millis, limits, functionLimits,
                sandboxHostUid, sandboxHostGid);
    }

    public SandboxSettings withHostUser(int newHostUid, int newHostGid) {
        return new SandboxSettings(bwrap, isolateNetwork, timeoutMillis, maxOutputBytes, uid, gid, probeTimeoutMillis, limits,
                functionLimits, newHostUid, newHostGid);
    }

    /** The limits one function runs under. */
    public SandboxLimits limitsFor(String functionId) {
        String spec = functionLimits.get(functionId);
        return spec == null ? limits : limits.with(spec);
    }

    /**
     * Parses {@code id=spec} entries, e.g. {@code thumbnail=memory=512m,pids=64} (the first '=' ends the id);
     * an entry may hold several separated by ';' (a plain .cfg value is one string).
     */
    public static Map<String, String> parseFunctionLimits(String[] entries) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String entry : java.util.Arrays.stream(entries == null ? new String[0] : entries)
                .flatMap(e -> java.util.Arrays.stream(e.split(";"))).toList()) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("function limits '" + entry + "' must be <function id>=<limits>, e.g. "
                        + "thumbnail=memory=512m,pids=64");
            }
            m.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return m;
    }
}
