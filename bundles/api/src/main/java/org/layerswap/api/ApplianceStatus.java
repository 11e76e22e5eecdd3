package org.layerswap.api;

import java.util.List;

/** LayerSwap's bundles and the pipeline services registered, for status displays. */
public record ApplianceStatus(List<BundleInfo> bundles, List<ServiceInfo> services) {

    public ApplianceStatus {
        bundles = List.copyOf(bundles);
        services = List.copyOf(services);
    }

    public long activeBundles() {
        return bundles.stream().filter(BundleInfo::isActive).count();
    }
}
