package org.layerswap.profiler.engine;

import org.layerswap.api.LayerId;

/** One layer's score: 1 - exp(sum over its functions f of log(1 - p_f * w_f)). */
final class LayerState {

    final LayerId id;
    double logSum;
    double score;
    long time;
    double notified;
    boolean dirty;
    int refs;

    LayerState(LayerId id) {
        this.id = id;
    }

    void refresh(long now) {
        double s = -Math.expm1(logSum);
        score = s > 0 ? (s <= 1 ? s : 1.0) : 0.0;
        time = now;
    }
}
