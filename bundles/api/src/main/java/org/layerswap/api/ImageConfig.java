package org.layerswap.api;

import java.util.List;
import java.util.Objects;

/**
 * The parts of an OCI image config needed to run a function (entrypoint, cmd, environment, working dir) and to name
 * its layers as containerd does: {@code diffIds}, the config's {@code rootfs.diff_ids} (the digests of the
 * uncompressed layer tars, base first; one per manifest layer, or empty when the source did not provide them).
 * containerd names committed layer snapshots by chain ids computed from them. {@code diffIds} since 1.4.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, List<String> diffIds) {

    public static final ImageConfig EMPTY = new ImageConfig(List.of(), List.of(), List.of(), "/");

    public ImageConfig {
        entrypoint = List.copyOf(Objects.requireNonNullElse(entrypoint, List.of()));
        cmd = List.copyOf(Objects.requireNonNullElse(cmd, List.of()));
        env = List.copyOf(Objects.requireNonNullElse(env, List.of()));
        workingDir = workingDir == null || workingDir.isBlank() ? "/" : workingDir;
        diffIds = List.copyOf(Objects.requireNonNullElse(diffIds, List.of()));
    }

    /** Without diff ids (the form before 1.4). */
    public ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir) {
        this(entrypoint, cmd, env, workingDir, List.of());
    }

    /** This config with {@code diffIds} (base first). */
    public ImageConfig withDiffIds(List<String> diffIds) {
        return new ImageConfig(entrypoint, cmd, env, workingDir, diffIds);
    }
}
