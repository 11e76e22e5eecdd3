package org.layerswap.api;

/** A filesystem backend as operators see it. */
public record BackendInfo(String name, int ranking, boolean available, String unavailableReason,
                          int composedRoots, boolean configured) {
}
