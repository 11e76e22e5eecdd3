package org.layerswap.executor;

import java.nio.file.Path;

/**
 * How functions are sandboxed.
 *
 * @param bwrap          the bubblewrap binary
 * @param isolateNetwork give each function an empty network namespace (no network at all)
 * @param timeoutMillis  wall-clock limit of one execution; the whole sandbox is killed after it
 * @param maxOutputBytes bytes of stdout and of stderr kept per execution (the rest is drained and dropped)
 */
public record SandboxSettings(Path bwrap, boolean isolateNetwork, long timeoutMillis, int maxOutputBytes) {

    public SandboxSettings {
        if (bwrap == null || !bwrap.isAbsolute()) {
            throw new IllegalArgumentException("bwrap must be an absolute path, got " + bwrap);
        }
        if (timeoutMillis < 1) {
            throw new IllegalArgumentException("timeoutMillis must be >= 1, got " + timeoutMillis);
        }
        if (maxOutputBytes < 0) {
            throw new IllegalArgumentException("maxOutputBytes must be >= 0, got " + maxOutputBytes);
        }
    }

    public static SandboxSettings defaults() {
        return new SandboxSettings(Path.of("/usr/bin/bwrap"), true, 30_000, 64 * 1024);
    }
}
