package org.layerswap.fs.copy.internal;

import java.nio.file.Path;
import java.util.Arrays;

import org.layerswap.fs.copy.CopyBackend;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.config.DataPaths;
import org.layerswap.fs.common.BackendComponentSupport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/** DS adapter publishing the portable copy farm backend ({@code name=copy}; hard links only with the unsafe linkFiles opt-in). */
@Component(service = FilesystemBackend.class, configurationPid = {"org.layerswap.fs", BackendComponentSupport.EXECUTOR_PID},
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"name=copy", "service.ranking:Integer=100"})
public class CopyBackendComponent extends BackendComponentSupport<CopyBackend> {

    /** Keys of the shared PID org.layerswap.fs; its one Metatype form is the swap bundle's backend selection. */
    public @interface Config {
        /** Directory of copy-farm generations; empty means ${karaf.data}/fs/copy; relative paths resolve against ${karaf.data} */
        String copyRoot() default "";

        /** Milliseconds a retired generation without leases stays before deletion */
        long graceMillis() default 1000;

        /**
         * UNSAFE for untrusted functions: hard-link files from the layer store instead of copying them, so a function
         * that writes a linked file changes the shared layer for every function (default false: copy every file)
         */
        boolean linkFiles() default false;

        /** With linkFiles: comma-separated path prefixes whose files are copied all the same (functions write there) */
        String copyPrefixes() default "tmp,var,run,root,home";
    }

    @Activate
    void activate(Config config, SandboxHost host) {
        Path dir = DataPaths.resolve(config.copyRoot(), "fs/copy");
        start(new CopyBackend(dir, config.graceMillis(), config.linkFiles(),
                Arrays.asList(config.copyPrefixes().split(",")), access(host)),
                settings(config, host));
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
        return c.copyRoot() + "|" + c.graceMillis() + "|" + c.linkFiles() + "|" + c.copyPrefixes() + "|" + h.sandboxHostUid() + ":" + h.sandboxHostGid();
    }
}
