package org.layerswap.replay;

import java.util.function.Supplier;

/**
 * A policy to replay: a name, a family and knob value (for sweeps) and a factory making a fresh
 * instance per replay. {@code budgetShare} scales the node budget for this run (1 = as configured).
 */
public record PolicySpec(String name, String family, double knob, double budgetShare, Supplier<ReplayPolicy> factory) {

    public PolicySpec(String name, String family, double knob, Supplier<ReplayPolicy> factory) {
        this(name, family, knob, 1.0, factory);
    }
}
