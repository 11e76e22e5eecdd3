package org.layerswap.fs.overlay.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.layerswap.fs.overlay.OverlayBackend;
import org.layerswap.fs.overlay.UpperLimits;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.config.DataPaths;
import org.layerswap.fs.common.BackendComponentSupport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/** DS adapter publishing the OverlayFS backend ({@code name=overlay}); recovers crash leftovers on activation. */
@Component(service = FilesystemBackend.class, configurationPid = {"org.layerswap.fs", BackendComponentSupport.EXECUTOR_PID},
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"name=overlay", "service.ranking:Integer=200"})
public class OverlayBackendComponent extends BackendComponentSupport<OverlayBackend> {

    /** Keys of the shared PID org.layerswap.fs; its one Metatype form is the swap bundle's backend selection. */
    public @interface Config {
        /** Directory of overlay generations; empty means ${karaf.data}/fs/overlay; relative paths resolve against ${karaf.data}. Keep it short: it appears in mount options */
        String overlayRoot() default "";

        /** Milliseconds a retired generation without leases stays mounted before teardown */
        long graceMillis() default 1000;

        /**
         * Comma-separated function ids whose invocations share one writable upper per generation, carried over by
         * copy-on-write swaps; every other function gets a fresh upper per invocation, discarded afterwards
         */
        String persistentUpperFunctions() default "";

        /** Bytes one invocation may write into its own upper, MB (each upper is a tmpfs of that size); hitting it ends the run as DISK_EXHAUSTED */
        long upperSizeMb() default UpperLimits.DEFAULT_BYTES / UpperLimits.MB;

        /** Per-function upper sizes, e.g. thumbnail=256m;resize=16m */
        String functionUpperSizes() default "";
    }

    @Activate
    void activate(Config config, SandboxHost host) {
        Path dir = DataPaths.resolve(config.overlayRoot(), "fs/overlay");
        start(new OverlayBackend(dir, config.graceMillis(), ids(config.persistentUpperFunctions()),
                UpperLimits.parse(config.upperSizeMb(), config.functionUpperSizes()),
                access(host)), settings(config, host));
    }

    /** Switching {@code backend} (same PID) must not rebuild this backend under running invocations. */
    @Modified
    void modified(Config config, SandboxHost host) {
        reconfigured(settings(config, host));
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    private static String settings(Config c, SandboxHost h) {
        return c.overlayRoot() + "|" + c.graceMillis() + "|" + new java.util.TreeSet<>(ids(c.persistentUpperFunctions())) + "|"
                + c.upperSizeMb() + "|" + c.functionUpperSizes() + "|" + h.sandboxHostUid() + ":" + h.sandboxHostGid();
    }

    static Set<String> ids(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
