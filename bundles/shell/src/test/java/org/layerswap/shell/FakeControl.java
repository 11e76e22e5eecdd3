package org.layerswap.shell;

import java.util.ArrayList;
import java.util.List;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.ApplianceStatus;
import org.layerswap.api.BackendInfo;
import org.layerswap.api.RestartReport;
import org.layerswap.api.ServiceInfo;

/** An {@link ApplianceControl} holding lists the test sets; refuses names it does not list, like the real one. */
final class FakeControl implements ApplianceControl {

    final List<ServiceInfo> predictors = new ArrayList<>();
    final List<BackendInfo> backends = new ArrayList<>();
    String configuredPredictor = "";
    String configuredBackend = "auto";
    RestartReport restart = RestartReport.NONE;

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
}
