package org.layerswap.containerd.internal;

import java.io.IOException;
import java.time.Clock;

import org.layerswap.api.config.DataPaths;
import org.layerswap.api.LayerStore;
import org.layerswap.containerd.ContainerdSettings;
import org.layerswap.containerd.LayerCatalog;
import org.layerswap.containerd.SnapshotterServer;
import org.layerswap.containerd.StoreLayers;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DS adapter: serves the containerd snapshots API ({@link SnapshotterServer}) while {@code enabled}; a changed
 * configuration stops the old server and starts one with the new settings (the snapshots persist across that).
 * With LayerSwap's {@link LayerStore} present (optional, greedy: the component restarts when it comes or goes),
 * the remote-snapshotter handshake answers Prepares whose CRI layer-digest label names a layer the store holds;
 * answering by chain id needs images' diff ids in the {@link LayerCatalog}, which nothing fills yet (the
 * learning loop of issue 18 will).
 */
@Component(immediate = true, configurationPid = ContainerdSnapshotterComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ContainerdSnapshotterComponent.Config.class)
public class ContainerdSnapshotterComponent {

    public static final String PID = "org.layerswap.containerd";
    private static final Logger LOG = LoggerFactory.getLogger(ContainerdSnapshotterComponent.class);

    @ObjectClassDefinition(name = "LayerSwap containerd snapshotter",
            description = "containerd proxy snapshotter (snapshots API on a Unix socket)")
    public @interface Config {
        @AttributeDefinition(description = "Serve the snapshotter socket (containerd must name it in [proxy_plugins.layerswap])")
        boolean enabled() default false;

        @AttributeDefinition(description = "Unix socket containerd connects to; empty means ${karaf.data}/containerd/layerswap.sock; "
                + "relative paths resolve against ${karaf.data}; at most 107 bytes")
        String socket() default "";

        @AttributeDefinition(description = "Directory of the snapshot metadata and contents; empty means "
                + "${karaf.data}/containerd/snapshotter; no ':' or ',' (overlay mount options)")
        String root() default "";

        @AttributeDefinition(description = "Socket mode 0660 (root and the socket's group) instead of 0600 (root only)")
        boolean groupAccess() default false;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    LayerStore store;

    private final LayerCatalog catalog = new LayerCatalog();
    private SnapshotterServer server;
    private ContainerdSettings current;

    static ContainerdSettings settings(Config c) {
        return new ContainerdSettings(c.enabled(), DataPaths.resolve(c.socket(), ContainerdSettings.DEFAULT_SOCKET),
                DataPaths.resolve(c.root(), ContainerdSettings.DEFAULT_ROOT), c.groupAccess());
    }

    @Activate
    synchronized void activate(Config config) throws IOException {
        apply(settings(config));
    }

    @Modified
    synchronized void modified(Config config) throws IOException {
        ContainerdSettings next = settings(config);
        if (!next.equals(current)) {
            apply(next);
        }
    }

    @Deactivate
    synchronized void deactivate() throws IOException {
        stop();
    }

    private void apply(ContainerdSettings next) throws IOException {
        stop();
        current = next;
        if (next.enabled()) {
            server = SnapshotterServer.start(next, Clock.systemUTC(), store == null ? StoreLayers.NONE : StoreLayers.of(store), catalog);
        } else {
            LOG.info("containerd snapshotter disabled (set enabled = true in {}.cfg to serve {})", PID, next.socket());
        }
    }

    private void stop() throws IOException {
        if (server != null) {
            try {
                server.close();
            } finally {
                server = null;
            }
        }
    }
}
