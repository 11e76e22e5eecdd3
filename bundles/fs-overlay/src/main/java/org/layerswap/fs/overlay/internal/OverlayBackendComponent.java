package org.layerswap.fs.overlay.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.layerswap.api.ComposedRoot;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.RootLease;
import org.layerswap.fs.overlay.OverlayBackend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DS adapter publishing the OverlayFS backend ({@code name=overlay}); recovers crash leftovers on activation. */
@Component(service = FilesystemBackend.class, configurationPid = "org.layerswap.fs",
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"name=overlay", "service.ranking:Integer=200"})
@Designate(ocd = OverlayBackendComponent.Config.class)
public class OverlayBackendComponent implements FilesystemBackend {

    @ObjectClassDefinition(name = "LayerSwap OverlayFS backend")
    public @interface Config {
        @AttributeDefinition(description = "Directory of overlay generations; empty means ${karaf.data}/fs/overlay. Keep it short: it appears in mount options")
        String overlayRoot() default "";

        @AttributeDefinition(description = "Milliseconds a retired generation without leases stays mounted before teardown")
        long graceMillis() default 1000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(OverlayBackendComponent.class);

    private OverlayBackend backend;

    /** The settings this instance was built with (the backend is not rebuilt under live roots). */
    private String settings;

    /**
     * The PID is shared with the backend selector: switching {@code backend} must not restart this
     * component, or the live instance would close under running invocations and a new one would adopt
     * their roots without knowing their leases. Settings of the backend itself apply on the next start.
     */
    @Modified
    void modified(Config config) {
        if (!settings(config).equals(settings)) {
            LOG.warn("{} backend: changed settings ({}) apply when the bundle restarts; running with {}",
                    backend.name(), settings(config), settings);
        }
    }

    private static String settings(Config c) {
        return c.overlayRoot() + "|" + c.graceMillis();
    }

    @Activate
    void activate(Config config) {
        settings = settings(config);
        String dir = config.overlayRoot().isBlank()
                ? System.getProperty("karaf.data", System.getProperty("java.io.tmpdir")) + "/fs/overlay" : config.overlayRoot();
        backend = new OverlayBackend(Path.of(dir), config.graceMillis());
        if (backend.isAvailable()) {
            try {
                backend.recover();
            } catch (IOException e) {
                LOG.error("overlay backend: start-up recovery under {} failed: {}", dir, e.toString());
            }
        } else {
            LOG.info("overlay backend unavailable: {}", backend.unavailableReason());
        }
    }

    @Deactivate
    void deactivate() {
        backend.close();
    }

    public OverlayBackend backend() {
        return backend;
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public boolean isAvailable() {
        return backend.isAvailable();
    }

    @Override
    public String unavailableReason() {
        return backend.unavailableReason();
    }

    @Override
    public ComposedRoot compose(String functionId, List<Path> layerDirs) throws IOException {
        if (!backend.isAvailable()) {
            throw new IOException("overlay backend unavailable: " + backend.unavailableReason());
        }
        return backend.compose(functionId, layerDirs);
    }

    @Override
    public ComposedRoot composeKeepingWrites(String functionId, List<Path> layerDirs) throws IOException {
        if (!backend.isAvailable()) {
            throw new IOException("overlay backend unavailable: " + backend.unavailableReason());
        }
        return backend.composeKeepingWrites(functionId, layerDirs);
    }

    @Override
    public RootLease enter(String functionId) throws IOException {
        return backend.enter(functionId);
    }

    @Override
    public boolean remove(String functionId) throws IOException {
        return backend.remove(functionId);
    }

    @Override
    public List<ComposedRoot> composed() {
        return backend.composed();
    }
}
