package org.layerswap.api;

public enum SwapOutcome {
    IN_PROGRESS, SUCCEEDED, FAILED, SHADOWING, PROMOTED, ROLLED_BACK
}
