package org.layerswap.executor;

/**
 * What one sandboxed process did.
 *
 * @param exitCode           exit status (-1 when killed by the timeout or a limit, or never started)
 * @param timedOut           killed after the timeout
 * @param processStartMicros spawn to first output byte (spawn to exit when it printed nothing)
 * @param executionMicros    first output byte to exit
 * @param error              why it could not be started ("" when it ran)
 * @param limit              the cgroup limit it ran into ({@code NONE} when none); the run was ended because of it
 */
public record SandboxRun(int exitCode, boolean timedOut, String stdout, String stderr, boolean truncated,
                         long processStartMicros, long executionMicros, String error, Cgroup.LimitHit limit) {

    static SandboxRun notStarted(String error) {
        return new SandboxRun(-1, false, "", "", false, 0, 0, error, Cgroup.LimitHit.NONE);
    }
}
