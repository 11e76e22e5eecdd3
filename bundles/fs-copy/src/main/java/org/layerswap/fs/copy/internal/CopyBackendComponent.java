package org.layerswap.fs.copy.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.layerswap.api.ComposedRoot;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.RootLease;
import org.layerswap.fs.copy.CopyBackend;
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

/** DS adapter publishing the portable hard-link/copy farm backend ({@code name=copy}). */
@Component(service = FilesystemBackend.class, configurationPid = "org.layerswap.fs",
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"name=copy", "service.ranking:Integer=100"})
@Designate(ocd = CopyBackendComponent.Config.class)
public class CopyBackendComponent implements FilesystemBackend {

    @ObjectClassDefinition(name = "LayerSwap copy-farm backend")
    public @interface Config {
        @AttributeDefinition(description = "Directory of copy-farm generations; empty means ${karaf.data}/fs/copy")
        String copyRoot() default "";

        @AttributeDefinition(description = "Milliseconds a retired generation without leases stays before deletion")
        long graceMillis() default 1000;

        @AttributeDefinition(description = "Hard-link read-only files from the layer store (false: copy every file)")
        boolean linkFiles() default true;

        @AttributeDefinition(description = "Comma-separated path prefixes whose files are always copied (functions write there)")
        String copyPrefixes() default "tmp,var,run,root,home";
    }

    private static final Logger LOG = LoggerFactory.getLogger(CopyBackendComponent.class);

    private CopyBackend backend;

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
        return c.copyRoot() + "|" + c.graceMillis() + "|" + c.linkFiles() + "|" + c.copyPrefixes();
    }

    @Activate
    void activate(Config config) {
        settings = settings(config);
        String dir = config.copyRoot().isBlank()
                ? System.getProperty("karaf.data", System.getProperty("java.io.tmpdir")) + "/fs/copy" : config.copyRoot();
        backend = new CopyBackend(Path.of(dir), config.graceMillis(), config.linkFiles(),
                Arrays.asList(config.copyPrefixes().split(",")));
        try {
            backend.recover();
        } catch (IOException e) {
            LOG.error("copy backend: start-up recovery under {} failed: {}", dir, e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        backend.close();
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
        return backend.compose(functionId, layerDirs);
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
