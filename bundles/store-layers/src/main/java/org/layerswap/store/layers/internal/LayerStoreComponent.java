package org.layerswap.store.layers.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreListener;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.ResidentLayer;
import org.layerswap.api.config.DataPaths;
import org.layerswap.store.layers.FileLayerStore;
import org.layerswap.store.layers.StoreSettings;
import org.layerswap.store.layers.UnpackLimits;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * DS adapter publishing a {@link FileLayerStore}. The layer source is chosen by the
 * {@code source.target} filter (default: any, highest {@code service.ranking}); when a
 * {@link BehavioralProfiler} is present its scores steer eviction. {@link LayerStoreListener} services are told of
 * commits and removals.
 */
@Component(service = LayerStore.class, configurationPid = "org.layerswap.store",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = LayerStoreComponent.Config.class)
public class LayerStoreComponent implements LayerStore {

    @ObjectClassDefinition(name = "LayerSwap layer store", description = "Content-addressed store of unpacked image layers")
    public @interface Config {
        @AttributeDefinition(description = "Store directory; empty means ${karaf.data}/layers; relative paths resolve against ${karaf.data}")
        String rootDir() default "";

        @AttributeDefinition(description = "Disk budget for unpacked layers, bytes")
        long budgetBytes() default 10L * 1024 * 1024 * 1024;

        @AttributeDefinition(description = "Bandwidth cap for prefetch downloads, bytes/s (0 = unlimited)")
        long prefetchBytesPerSecond() default 50L * 1024 * 1024;

        @AttributeDefinition(description = "Concurrent downloads/unpacks")
        int workers() default 2;

        @AttributeDefinition(description = "Attempts per download; each resumes with an HTTP Range request")
        int maxAttempts() default 4;

        @AttributeDefinition(description = "Allow device nodes and FIFOs in layers")
        boolean allowDeviceNodes() default false;

        @AttributeDefinition(description = "Keep symlinks with absolute targets (needed by most distro images; never followed when unpacking)")
        boolean allowAbsoluteSymlinks() default false;

        @AttributeDefinition(description = "Largest regular file in a layer, bytes")
        long maxEntryBytes() default 8L * 1024 * 1024 * 1024;

        @AttributeDefinition(description = "Largest unpacked layer, bytes (never more than budgetBytes)")
        long maxLayerBytes() default 32L * 1024 * 1024 * 1024;

        @AttributeDefinition(description = "Keep setuid/setgid bits of layer files (default: stripped; function roots are "
                + "mounted nosuid all the same)")
        boolean keepSetuidBits() default false;

        @AttributeDefinition(description = "Refuse a layer while unpacking when less than this many bytes would stay free "
                + "on the store's filesystem")
        long minFreeBytes() default UnpackLimits.DEFAULT_MIN_FREE_BYTES;

        @AttributeDefinition(description = "Seconds a digest-tree check that found a layer intact vouches for it: acquires "
                + "within that window skip the check (one lstat per file); a layer modified on disk is refused by every "
                + "acquire starting this long after the modification. 0 = check at every acquire")
        long treeCheckIntervalSeconds() default 30;

        @AttributeDefinition(name = "Layer source filter", description = "LDAP filter selecting the LayerSource, e.g. (name=oci)")
        String source_target() default "(name=*)";
    }

    @Reference(name = "source", target = "(name=*)")
    private LayerSource source;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile BehavioralProfiler profiler;

    /** Bound before activation too (DS binds dynamic references first): handed to the store when it exists. */
    private final java.util.List<LayerStoreListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile FileLayerStore store;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindListener(LayerStoreListener l) {
        listeners.add(l);
        if (store != null) {
            store.events().add(l);
        }
    }

    synchronized void unbindListener(LayerStoreListener l) {
        listeners.remove(l);
        if (store != null) {
            store.events().remove(l);
        }
    }

    @Activate
    void activate(Config c) throws IOException {
        String root = DataPaths.resolve(c.rootDir(), "layers").toString();
        UnpackLimits limits = limits(c);
        FileLayerStore s = new FileLayerStore(new StoreSettings(Path.of(root), c.budgetBytes(), c.prefetchBytesPerSecond(),
                c.workers(), c.maxAttempts(), Duration.ofMillis(200), limits, false, Duration.ofSeconds(c.treeCheckIntervalSeconds())),
                source);
        s.setScoreHint(this::score);
        synchronized (this) { // each bound listener is added exactly once: here or by a later bind
            listeners.forEach(s.events()::add);
            store = s;
        }
    }

    /**
     * The unpack limits of {@code c}. Invariant: no single layer may unpack to more than the store's budget, so a
     * decompression bomb is refused at the budget even when {@code maxLayerBytes} is set higher.
     */
    static UnpackLimits limits(Config c) {
        long layer = Math.min(c.maxLayerBytes(), c.budgetBytes());
        return new UnpackLimits(Math.min(c.maxEntryBytes(), layer), layer, UnpackLimits.DEFAULT.maxEntries(),
                c.allowDeviceNodes(), c.allowAbsoluteSymlinks(), true, c.keepSetuidBits(), c.minFreeBytes());
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    private double score(LayerId id) {
        BehavioralProfiler p = profiler;
        if (p == null) {
            return 0.0;
        }
        return p.score(id).map(PredictionScore::score).orElse(0.0);
    }

    @Override
    public boolean isResident(LayerId id) {
        return store.isResident(id);
    }

    @Override
    public Optional<Path> path(LayerId id) {
        return store.path(id);
    }

    @Override
    public CompletableFuture<Path> fetch(String repository, LayerDescriptor layer, FetchPriority priority) {
        return store.fetch(repository, layer, priority);
    }

    @Override
    public LayerLease acquire(LayerId id) {
        return store.acquire(id);
    }

    @Override
    public boolean evict(LayerId id) {
        return store.evict(id);
    }

    @Override
    public List<ResidentLayer> resident() {
        return store.resident();
    }

    @Override
    public LayerStoreStats stats() {
        return store.stats();
    }

    @Override
    public void setEvictionOrder(java.util.function.ToDoubleFunction<LayerId> key) {
        store.setEvictionOrder(key);
    }
}
