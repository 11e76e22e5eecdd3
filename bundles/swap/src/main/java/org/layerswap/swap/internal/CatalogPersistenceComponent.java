package org.layerswap.swap.internal;

import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.swap.SwapManagerCore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Active only while both the swap manager and the persistence store are: restores the function catalog
 * (definitions and data layer bindings) into the swap manager and keeps the store up to date. Kept apart from
 * {@link SwapManagerComponent} so the swap manager runs without the persistence bundle (optional import).
 */
@Component(immediate = true)
public final class CatalogPersistenceComponent {

    @Reference
    private SwapManagerComponent swap;

    @Reference
    private PersistenceService store;

    private CatalogStore bridge;

    @Activate
    void activate() {
        SwapManagerCore core = swap.core();
        bridge = new CatalogStore(core, store);
        bridge.start();
    }

    @Deactivate
    void deactivate() {
        if (bridge != null) {
            bridge.stop();
        }
    }
}
