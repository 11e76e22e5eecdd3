package org.layerswap.containerd.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.layerswap.api.config.DataPaths;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.ContainerdView;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreListener;
import org.layerswap.containerd.ContainerdSettings;
import org.layerswap.containerd.LayerCatalog;
import org.layerswap.containerd.SnapshotterServer;
import org.layerswap.containerd.StatusReport;
import org.layerswap.containerd.StoreLayers;
import org.layerswap.containerd.learning.ContainerdLearning;
import org.layerswap.containerd.learning.CreatedRecords;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
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
 * answering by chain id uses the {@link LayerCatalog} the learning loop fills.
 *
 * <p>With {@code learn} (and the profiler and store present) the learning loop ({@link ContainerdLearning}) runs
 * too: containerd's events on {@code containerdSocket} feed the profiler, images resolve through the registered
 * {@link LayerSource}s (dynamic), predicted images are made ready in containerd; the image records it creates there
 * are listed in {@value CreatedRecords#FILE} in the snapshotter's root. The component is the store's
 * {@link LayerStoreListener} for it and the {@link ContainerdView} of both.
 */
@Component(immediate = true, configurationPid = ContainerdSnapshotterComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {ContainerdView.class, LayerStoreListener.class})
@Designate(ocd = ContainerdSnapshotterComponent.Config.class)
public class ContainerdSnapshotterComponent implements ContainerdView, LayerStoreListener {

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

        @AttributeDefinition(description = "Learn from containerd's event stream (task starts feed the profiler; predicted images "
                + "are prefetched and registered in containerd ahead of their next start); needs enabled")
        boolean learn() default false;

        @AttributeDefinition(description = "containerd's own gRPC socket (its [grpc] address)")
        String containerdSocket() default "/run/containerd/containerd.sock";

        @AttributeDefinition(description = "The name containerd knows this snapshotter by ([proxy_plugins.<name>])")
        String snapshotterName() default "layerswap";

        @AttributeDefinition(description = "Container label naming the function a container runs; without it (or empty) the "
                + "image name is the function id")
        String functionLabel() default "org.layerswap.function";

        @AttributeDefinition(description = "Make an image ready when its function's next start is predicted within this many seconds")
        long predictionHorizonSeconds() default 600;

        @AttributeDefinition(description = "Seconds a registration's containerd lease keeps its snapshots from containerd's garbage "
                + "collection (renewed while predicted)")
        long leaseTtlSeconds() default 3600;

        @AttributeDefinition(description = "Seconds between evaluations of the predictions")
        long evaluateIntervalSeconds() default 10;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    LayerStore store;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    BehavioralProfiler profiler;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final List<LayerSource> sources = new CopyOnWriteArrayList<>();

    private final LayerCatalog catalog = new LayerCatalog();
    private volatile SnapshotterServer server;
    private volatile ContainerdLearning learning;
    private ContainerdSettings current;
    private ContainerdLearning.Settings currentLearning;

    static ContainerdSettings settings(Config c) {
        return new ContainerdSettings(c.enabled(), DataPaths.resolve(c.socket(), ContainerdSettings.DEFAULT_SOCKET),
                DataPaths.resolve(c.root(), ContainerdSettings.DEFAULT_ROOT), c.groupAccess());
    }

    /** The learning loop's settings, or null when it is off (or the snapshotter is). */
    static ContainerdLearning.Settings learningSettings(Config c) {
        if (!c.enabled() || !c.learn()) {
            return null;
        }
        return new ContainerdLearning.Settings(Path.of(c.containerdSocket()), c.snapshotterName(), c.functionLabel(),
                c.predictionHorizonSeconds() * 1000, c.leaseTtlSeconds() * 1000, c.evaluateIntervalSeconds() * 1000,
                settings(c).root().resolve(CreatedRecords.FILE));
    }

    @Activate
    synchronized void activate(Config config) throws IOException {
        apply(settings(config), learningSettings(config));
    }

    @Modified
    synchronized void modified(Config config) throws IOException {
        ContainerdSettings next = settings(config);
        ContainerdLearning.Settings nextLearning = learningSettings(config);
        if (!next.equals(current) || !java.util.Objects.equals(nextLearning, currentLearning)) {
            apply(next, nextLearning);
        }
    }

    @Deactivate
    synchronized void deactivate() throws IOException {
        stop();
    }

    private void apply(ContainerdSettings next, ContainerdLearning.Settings nextLearning) throws IOException {
        stop();
        current = next;
        currentLearning = nextLearning;
        if (next.enabled()) {
            server = SnapshotterServer.start(next, Clock.systemUTC(), store == null ? StoreLayers.NONE : StoreLayers.of(store), catalog);
        } else {
            LOG.info("containerd snapshotter disabled (set enabled = true in {}.cfg to serve {})", PID, next.socket());
        }
        if (nextLearning != null) {
            if (profiler == null || store == null) {
                LOG.warn("learning from containerd needs LayerSwap's profiler and layer store; not started (profiler {}, store {})",
                        profiler == null ? "absent" : "present", store == null ? "absent" : "present");
            } else {
                learning = ContainerdLearning.start(nextLearning, profiler, store, () -> List.copyOf(sources), catalog);
            }
        }
    }

    @Override
    public ContainerdStatus status() {
        return StatusReport.of(server, current == null ? "" : current.socket().toString(), learning);
    }

    @Override
    public void layerRemoved(LayerId id) {
        ContainerdLearning l = learning;
        if (l != null) {
            l.storeListener().layerRemoved(id);
        }
    }

    private void stop() throws IOException {
        ContainerdLearning l = learning;
        learning = null;
        if (l != null) {
            try {
                l.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (server != null) {
            try {
                server.close();
            } finally {
                server = null;
            }
        }
    }
}
