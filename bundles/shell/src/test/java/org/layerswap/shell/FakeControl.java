package org.layerswap.shell;

import java.util.ArrayList;
import java.util.List;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.ApplianceStatus;
import org.layerswap.api.BackendInfo;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.RestartReport;
import org.layerswap.api.ServiceInfo;

/** An {@link ApplianceControl} holding lists the test sets; refuses names it does not list, like the real one. */
final class FakeControl implements ApplianceControl {

    final List<ServiceInfo> predictors = new ArrayList<>();
    final List<BackendInfo> backends = new ArrayList<>();
    String configuredPredictor = "";
    String configuredBackend = "auto";
    RestartReport restart = RestartReport.NONE;
    /** Data layer bindings; only function "f" is defined, a bind gets one layer whose digest repeats the value's first char. */
    final List<DataLayerBinding> bindings = new ArrayList<>();

    @Override
    public ApplianceStatus status() {
        return new ApplianceStatus(List.of(), List.of());
    }

    @Override
    public RestartReport restartReport() {
        return restart;
    }

    @Override
    public List<ServiceInfo> predictors() {
        return predictors;
    }

    @Override
    public String configuredPredictor() {
        return configuredPredictor;
    }

    @Override
    public void usePredictor(String name) {
        if (predictors.stream().noneMatch(p -> p.name().equals(name))) {
            throw new IllegalArgumentException("unknown predictor '" + name + "'");
        }
        configuredPredictor = name;
    }

    @Override
    public List<BackendInfo> backends() {
        return backends;
    }

    @Override
    public String configuredBackend() {
        return configuredBackend;
    }

    @Override
    public void useBackend(String name) {
        if (!name.equals("auto") && backends.stream().noneMatch(b -> b.name().equals(name))) {
            throw new IllegalArgumentException("unknown backend '" + name + "'");
        }
        configuredBackend = name;
    }

    @Override
    public boolean thresholdAuto() {
        return true;
    }

    @Override
    public void setThresholdAuto(boolean auto) {
        throw new UnsupportedOperationException("not used by these commands");
    }

    @Override
    public List<DataLayerBinding> dataLayerBindings(String functionId) {
        if (functionId != null && !functionId.equals("f")) {
            throw new IllegalArgumentException("unknown function '" + functionId + "'; defined functions: f");
        }
        return List.copyOf(bindings);
    }

    @Override
    public List<LayerId> bindDataLayer(String functionId, String paramName, String paramValue, String reference) {
        dataLayerBindings(functionId);
        LayerId id = LayerId.of("sha256:" + String.valueOf(paramValue.charAt(0)).repeat(64));
        bindings.add(new DataLayerBinding(functionId, paramName, paramValue, reference, "data",
                List.of(new LayerDescriptor(id, 1, LayerDescriptor.OCI_TAR_GZIP))));
        return List.of(id);
    }

    @Override
    public DataLayerBinding unbindDataLayer(String functionId, String paramName, String paramValue) {
        dataLayerBindings(functionId);
        DataLayerBinding b = bindings.stream().filter(x -> x.paramName().equals(paramName) && x.paramValue().equals(paramValue))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("function f has no data layer bound to " + paramName + "="
                        + paramValue));
        bindings.remove(b);
        return b;
    }
}
