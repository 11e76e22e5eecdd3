package org.layerswap.api;

/**
 * Where one invocation's start-up time went, in microseconds.
 *
 * @param decisionMicros     the swap manager's decision ({@link SwapManager#handleInvocation})
 * @param layerWaitMicros    waiting for layers that were not resident: pull, digest verification and unpack
 *                           (the store streams them, so they overlap and are reported together)
 * @param mountMicros        composing (or swapping) and pinning the function's root
 * @param processStartMicros from spawning the sandbox to the function's first output byte: namespace and
 *                           mount set-up plus the entrypoint's own start (the first instruction's effect)
 * @param executionMicros    from the first output byte to exit
 */
public record ColdStart(long decisionMicros, long layerWaitMicros, long mountMicros, long processStartMicros,
                        long executionMicros) {

    public static final ColdStart NONE = new ColdStart(0, 0, 0, 0, 0);

    /** Time from the invocation's arrival to the function's first instruction (its first output). */
    public long toFirstInstructionMicros() {
        return decisionMicros + layerWaitMicros + mountMicros + processStartMicros;
    }

    public long totalMicros() {
        return toFirstInstructionMicros() + executionMicros;
    }
}
