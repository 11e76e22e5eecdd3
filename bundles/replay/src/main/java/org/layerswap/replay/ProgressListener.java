package org.layerswap.replay;

/** Receives progress of a long replay: a phase name and the fraction done in [0, 1]. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (phase, fraction) -> { };

    void progress(String phase, double fraction);
}
