package org.layerswap.executor;

/**
 * What one sandboxed process did.
 *
 * @param exitCode           exit status (-1 when killed by the timeout or never started)
 * @param timedOut           killed after the timeout
 * @param processStartMicros spawn to first output byte (spawn to exit when it printed nothing)
 * @param executionMicros    first output byte to exit
 * @param error              why it could not be started ("" when it ran)
 */
public record SandboxRun(int exitCode, boolean timedOut, String stdout, String stderr, boolean truncated,
                         long processStartMicros, long executionMicros, String error) {
}
