package org.layerswap.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One function execution: how it ended, what it printed, where its time went.
 *
 * @param status         how it ended
 * @param exitCode       the entrypoint's exit status (-1 when it did not run or was killed)
 * @param stdout         its standard output, cut at the executor's output limit
 * @param stderr         its standard error, cut likewise
 * @param truncated      whether output was cut
 * @param onDemandLayers layers this invocation had to fetch on its critical path
 * @param generation     the root generation it ran in (-1 when it did not get a root)
 * @param detail         why it failed, in words an operator can act on ("" when it succeeded)
 */
public record ExecutionResult(long id, String functionId, Map<String, String> params, long startedMillis, Status status,
                              int exitCode, String stdout, String stderr, boolean truncated, ColdStart coldStart,
                              List<LayerId> onDemandLayers, long generation, ExperimentArm arm, String detail) {

    public enum Status {
        /** Exit status 0. */
        SUCCEEDED,
        /** Ran and exited non-zero (or was killed by a signal). */
        FAILED,
        /** Killed after the executor's timeout. */
        TIMED_OUT,
        /** Never ran: unknown function, layers not resident in time, no root, no sandbox runtime. */
        NOT_RUN,
        /** Ended by its memory limit (the kernel's OOM killer ran in its cgroup). Since 1.1. */
        OUT_OF_MEMORY,
        /** Ended because it reached its process/thread limit (a fork was refused in its cgroup). Since 1.1. */
        PIDS_EXHAUSTED,
        /**
         * Ended because it filled the bytes (or files) it may write: the file system of its root, its own bounded
         * upper layer, had no space left. Since 1.2.
         */
        DISK_EXHAUSTED
    }

    public ExecutionResult {
        params = params == null ? Map.of() : Map.copyOf(params);
        stdout = Objects.requireNonNullElse(stdout, "");
        stderr = Objects.requireNonNullElse(stderr, "");
        coldStart = Objects.requireNonNullElse(coldStart, ColdStart.NONE);
        onDemandLayers = onDemandLayers == null ? List.of() : List.copyOf(onDemandLayers);
        arm = Objects.requireNonNullElse(arm, ExperimentArm.NONE);
        detail = Objects.requireNonNullElse(detail, "");
    }

    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }
}
