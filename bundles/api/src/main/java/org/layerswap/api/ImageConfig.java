package org.layerswap.api;

import java.util.List;
import java.util.Objects;

/** The parts of an OCI image config needed to run a function: entrypoint, cmd, environment, working dir. */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir) {

    public static final ImageConfig EMPTY = new ImageConfig(List.of(), List.of(), List.of(), "/");

    public ImageConfig {
        entrypoint = List.copyOf(Objects.requireNonNullElse(entrypoint, List.of()));
        cmd = List.copyOf(Objects.requireNonNullElse(cmd, List.of()));
        env = List.copyOf(Objects.requireNonNullElse(env, List.of()));
        workingDir = workingDir == null || workingDir.isBlank() ? "/" : workingDir;
    }
}
