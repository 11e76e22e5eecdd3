package org.layerswap.swap.internal;

import java.util.List;
import java.util.Objects;

import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.persistence.api.FunctionCatalog;
import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.swap.CatalogListener;
import org.layerswap.swap.SwapManagerCore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the swap manager's function catalog in the persistence store: {@link #start} restores the stored
 * definitions and data layer bindings (resolved descriptors: no layer source needed), then saves every
 * definition and binding made from then on, and those made before the store was there, and deletes the
 * bindings removed from then on. A function defined in
 * this session before the restore keeps its newer definition. Unreadable rows and bindings that cannot be
 * applied are logged, one line each naming the row and why, and skipped: a restore never fails activation.
 */
public final class CatalogStore implements CatalogListener {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogStore.class);

    private final SwapManagerCore core;
    private final PersistenceService store;

    public CatalogStore(SwapManagerCore core, PersistenceService store) {
        this.core = Objects.requireNonNull(core, "swap manager");
        this.store = Objects.requireNonNull(store, "persistence store");
    }

    /** Restores the stored catalog, then starts saving changes; returns how many entries were restored. */
    public int start() {
        int restored = restore();
        core.addCatalogListener(this);
        saveCurrent();
        return restored;
    }

    public void stop() {
        core.removeCatalogListener(this);
    }

    private int restore() {
        FunctionCatalog c;
        try {
            c = store.loadFunctionCatalog();
        } catch (RuntimeException e) {
            LOG.error("cannot read the stored function catalog; functions must be declared again: {}", e.getMessage());
            core.catalogRestored("function catalog: unreadable (" + e.getMessage() + "); functions must be defined again");
            return 0;
        }
        for (String s : c.skipped()) {
            LOG.warn("skipping a stored function catalog entry that cannot be read: {}", s);
        }
        int n = 0;
        int functions = 0;
        for (FunctionDefinition d : c.functions()) {
            if (core.function(d.functionId()).isPresent()) {
                LOG.info("function {} was defined before the stored catalog was read: keeping the newer definition", d.functionId());
                continue;
            }
            try {
                core.defineFunction(d);
                n++;
                functions++;
            } catch (RuntimeException e) {
                LOG.warn("skipping the stored definition of function {}: {}", d.functionId(), e.getMessage());
            }
        }
        for (DataLayerBinding b : c.bindings()) {
            boolean known = core.dataLayerBindings(b.functionId()).stream()
                    .anyMatch(x -> x.paramName().equals(b.paramName()) && x.paramValue().equals(b.paramValue()));
            if (known) {
                continue;
            }
            try {
                core.bindDataLayer(b);
                n++;
            } catch (RuntimeException e) {
                LOG.warn("skipping the stored data layer binding {}={} of function {}: {}", b.paramName(), b.paramValue(),
                        b.functionId(), e.getMessage());
            }
        }
        LOG.info("restored {} function(s) and {} data layer binding(s) from the store ({} unreadable entries skipped)",
                functions, n - functions, c.skipped().size());
        core.catalogRestored("function catalog: " + functions + " function(s), " + (n - functions) + " data layer binding(s) from "
                + "the database" + (c.skipped().isEmpty() ? "" : ", " + c.skipped().size() + " unreadable entries skipped"));
        return n;
    }

    private void saveCurrent() {
        for (String fn : core.functionLayers().functions()) {
            core.function(fn).ifPresent(this::functionDefined);
        }
        for (DataLayerBinding b : core.dataLayerBindings(null)) {
            dataLayerBound(b);
        }
    }

    @Override
    public void functionDefined(FunctionDefinition definition) {
        try {
            store.saveFunction(definition);
        } catch (RuntimeException e) {
            LOG.warn("cannot store the definition of function {} (it stays defined until a restart): {}", definition.functionId(),
                    e.getMessage());
        }
    }

    @Override
    public void dataLayerBound(DataLayerBinding binding) {
        try {
            store.saveDataLayerBinding(binding);
        } catch (RuntimeException e) {
            LOG.warn("cannot store the data layer binding {}={} of function {}: {}", binding.paramName(), binding.paramValue(),
                    binding.functionId(), e.getMessage());
        }
    }

    /** Deletes the stored binding so that a restart does not restore it. */
    @Override
    public void dataLayerUnbound(DataLayerBinding binding) {
        try {
            store.deleteDataLayerBinding(binding.functionId(), binding.paramName(), binding.paramValue());
        } catch (RuntimeException e) {
            LOG.warn("cannot delete the stored data layer binding {}={} of function {} (a restart restores it): {}", binding.paramName(),
                    binding.paramValue(), binding.functionId(), e.getMessage());
        }
    }

    /** What the store holds now (for tests and diagnostics). */
    public List<FunctionDefinition> storedFunctions() {
        return store.loadFunctionCatalog().functions();
    }
}
