package org.layerswap.api;

import java.util.Optional;

/**
 * Durable, synchronous key/value storage for the state a component must keep across restarts (a
 * profiler's learned model, the feedback loop's controller). Optional for its users: a component
 * without one runs and relearns after a restart.
 * <p>
 * Invariant: {@link #saveState} is committed when it returns; {@link #loadState} then returns the same
 * bytes until the next save under that key.
 */
public interface StateStore {

    /** Stores {@code value} under {@code key}, replacing what was there (committed on return). */
    void saveState(String key, byte[] value);

    /** The bytes last saved under {@code key}, or empty when nothing was. */
    Optional<byte[]> loadState(String key);
}
