package org.layerswap.api;

/** How a new layer set reaches a function. */
public enum SwapMode {
    /** Build the new stack beside the old one and flip the function's root in one step. */
    ATOMIC,
    /** Run a share of invocations on the new stack; promote or roll back on the comparison. */
    SHADOW,
    /** Keep the lower layers, replace only the function's writable upper layer. */
    COPY_ON_WRITE
}
