package org.layerswap.control;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.layerswap.api.ApplianceControl;
import org.layerswap.api.ApplianceStatus;
import org.layerswap.api.BackendInfo;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.BundleInfo;
import org.layerswap.api.ComposedRoot;
import org.layerswap.api.Contracts;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerId;
import org.layerswap.api.Predictor;
import org.layerswap.api.RestartReport;
import org.layerswap.api.ServiceInfo;
import org.layerswap.api.SwapManager;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions. Selections are written to Config Admin (and so to {@code etc/*.cfg} by
 * fileinstall), which is exactly what editing the file by hand does: one mechanism, not two.
 */
@Component(service = ApplianceControl.class)
public class ApplianceControlComponent implements ApplianceControl {

    static final String PROFILER_PID = "org.layerswap.profiler";
    static final String FS_PID = "org.layerswap.fs";
    static final String FEEDBACK_PID = "org.layerswap.feedback";
    static final String AUTO = "auto";

    private static final Logger LOG = LoggerFactory.getLogger(ApplianceControlComponent.class);

    @Reference
    ConfigurationAdmin configurationAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile BehavioralProfiler profiler;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile SwapManager swapManager;

    private BundleContext context;

    private final DataLayerBindings bindings = new DataLayerBindings(() -> swapManager);

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    @Override
    public ApplianceStatus status() {
        List<BundleInfo> bundles = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(Contracts.BUNDLE_PREFIX))
                .sorted(Comparator.comparing(Bundle::getSymbolicName))
                .map(b -> new BundleInfo(b.getBundleId(), b.getSymbolicName(), b.getVersion().toString(), BundleStates.name(b.getState())))
                .toList();
        List<ServiceInfo> services = new ArrayList<>();
        for (Class<?> contract : Contracts.SERVICES) {
            String active = contract == Predictor.class ? activePredictor() : null;
            for (ServiceReference<?> ref : references(contract)) {
                String name = name(ref);
                services.add(new ServiceInfo(contract.getSimpleName(), name, ranking(ref), ref.getBundle().getSymbolicName(),
                        active == null || active.equals(name)));
            }
        }
        return new ApplianceStatus(bundles, services);
    }

    /**
     * The swap manager's report (roots adopted, cleaned or pending, prefetches resumed, catalog restored), plus each
     * backend's start-up recovery (as "cleaned": what it unmounted and deleted) and the profiler's restored snapshot.
     */
    @Override
    public RestartReport restartReport() {
        java.util.Map<String, String> recoveries = new java.util.TreeMap<>();
        for (ServiceReference<?> ref : references(FilesystemBackend.class)) {
            FilesystemBackend b = (FilesystemBackend) context.getService(ref);
            if (b != null) {
                try {
                    recoveries.put(b.name(), b.recoverySummary());
                } finally {
                    context.ungetService(ref);
                }
            }
        }
        SwapManager s = swapManager;
        BehavioralProfiler p = profiler;
        return RestartReports.combine(s == null ? null : s.restartReport(), recoveries, p == null ? "" : p.restoredFrom());
    }

    @Override
    public List<ServiceInfo> predictors() {
        String active = activePredictor();
        return references(Predictor.class).stream()
                .map(ref -> new ServiceInfo("Predictor", name(ref), ranking(ref), ref.getBundle().getSymbolicName(), name(ref).equals(active)))
                .toList();
    }

    @Override
    public String configuredPredictor() {
        return configured(PROFILER_PID, "predictor", "");
    }

    @Override
    public void usePredictor(String name) {
        List<String> installed = predictors().stream().map(ServiceInfo::name).filter(n -> !n.isEmpty()).sorted().toList();
        if (name == null || !installed.contains(name)) {
            throw new IllegalArgumentException("unknown predictor '" + name + "'; installed: "
                    + (installed.isEmpty() ? "none" : String.join(", ", installed)));
        }
        update(PROFILER_PID, "predictor", name);
    }

    @Override
    public List<BackendInfo> backends() {
        String configured = configuredBackend();
        List<BackendInfo> list = new ArrayList<>();
        for (ServiceReference<?> ref : references(FilesystemBackend.class)) {
            FilesystemBackend b = (FilesystemBackend) context.getService(ref);
            if (b == null) {
                continue;
            }
            try {
                List<ComposedRoot> roots = b.composed();
                list.add(new BackendInfo(b.name(), ranking(ref), b.isAvailable(), b.unavailableReason(), roots.size(),
                        b.name().equals(configured)));
            } finally {
                context.ungetService(ref);
            }
        }
        return list;
    }

    @Override
    public String configuredBackend() {
        return configured(FS_PID, "backend", AUTO);
    }

    @Override
    public void useBackend(String name) {
        List<String> valid = new ArrayList<>(List.of(AUTO));
        backends().stream().map(BackendInfo::name).sorted().forEach(valid::add);
        if (name == null || !valid.contains(name)) {
            throw new IllegalArgumentException("unknown filesystem backend '" + name + "'; valid: " + String.join(", ", valid));
        }
        update(FS_PID, "backend", name);
    }

    @Override
    public boolean thresholdAuto() {
        return Boolean.parseBoolean(configured(FEEDBACK_PID, "applyThreshold", "true"));
    }

    @Override
    public void setThresholdAuto(boolean auto) {
        update(FEEDBACK_PID, "applyThreshold", Boolean.toString(auto));
    }

    @Override
    public List<DataLayerBinding> dataLayerBindings(String functionId) {
        return bindings.list(functionId);
    }

    @Override
    public List<LayerId> bindDataLayer(String functionId, String paramName, String paramValue, String imageReferenceOrLayerDigest) {
        List<LayerId> layers = bindings.bind(functionId, paramName, paramValue, imageReferenceOrLayerDigest);
        LOG.info("operator bound {} {}={} to {} ({} data layer(s))", functionId, paramName, paramValue, imageReferenceOrLayerDigest,
                layers.size());
        return layers;
    }

    @Override
    public DataLayerBinding unbindDataLayer(String functionId, String paramName, String paramValue) {
        DataLayerBinding b = bindings.unbind(functionId, paramName, paramValue);
        LOG.info("operator unbound {} {}={} (was {})", functionId, paramName, paramValue, b.reference());
        return b;
    }

    private String activePredictor() {
        BehavioralProfiler p = profiler;
        return p == null ? "" : p.activePredictor();
    }

    private List<ServiceReference<?>> references(Class<?> contract) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(contract.getName(), null);
            if (refs == null) {
                return List.of();
            }
            Arrays.sort(refs, Comparator.reverseOrder()); // highest ranking first
            return List.of(refs);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String name(ServiceReference<?> ref) {
        Object n = ref.getProperty(Predictor.NAME_PROPERTY);
        return n == null ? "" : n.toString();
    }

    private static int ranking(ServiceReference<?> ref) {
        return ref.getProperty("service.ranking") instanceof Integer i ? i : 0;
    }

    private String configured(String pid, String key, String dflt) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return dflt;
            }
            Object v = found[0].getProperties().get(key);
            return v == null || v.toString().isBlank() ? dflt : v.toString().trim();
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("cannot read configuration " + pid + ": " + e.getMessage(), e);
        }
    }

    private void update(String pid, String key, String value) {
        try {
            Configuration c = configurationAdmin.getConfiguration(pid, "?");
            Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
            Object old = props.put(key, value);
            c.update(props);
            LOG.info("operator set {} {} = {} (was {})", pid, key, value, old);
        } catch (IOException e) {
            throw new IllegalStateException("cannot update configuration " + pid + ": " + e.getMessage(), e);
        }
    }

}
