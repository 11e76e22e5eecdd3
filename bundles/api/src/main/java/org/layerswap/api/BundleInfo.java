package org.layerswap.api;

/** A LayerSwap bundle and its OSGi state name (Active, Resolved, Installed, ...). */
public record BundleInfo(long id, String symbolicName, String version, String state) {

    public boolean isActive() {
        return "Active".equals(state);
    }
}
