package org.layerswap.cluster.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Optional;

import org.layerswap.api.ClusterView;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreListener;
import org.layerswap.api.ProfilePartitioning;
import org.layerswap.api.cluster.FunctionPlacement;
import org.layerswap.api.config.DataPaths;
import org.layerswap.api.config.SecretToken;
import org.layerswap.cluster.ClusterNode;
import org.layerswap.cluster.ClusterSettings;
import org.layerswap.cluster.PeerLayerSource;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DS adapter of {@link ClusterNode}. Always publishes {@link ClusterView} (disabled: an "off" status). Only with
 * {@code enabled=true} does it start the node and register the {@code peer} {@link LayerSource}, the store's
 * {@link LayerStoreListener}, the {@link ProfilePartitioning} the profiler binds and the {@link FunctionPlacement} the swap
 * manager plans by; {@code @Modified} restarts the node with the new settings. The registry source and the
 * store are optional dynamic references: the store's own source may be this very {@code peer} source, so nothing here
 * may wait for the store.
 */
@Component(service = ClusterView.class, immediate = true, configurationPid = "org.layerswap.cluster",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ClusterConfig.class)
public class ClusterComponent implements ClusterView {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterComponent.class);

    @Reference(name = "registry", target = "(name=oci)", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile LayerSource registry;

    private volatile LayerStore store;

    private BundleContext context;
    private volatile ClusterNode node;
    private ServiceRegistration<LayerSource> sourceRegistration;
    private ServiceRegistration<LayerStoreListener> listenerRegistration;
    private ServiceRegistration<ProfilePartitioning> profilesRegistration;
    private ServiceRegistration<FunctionPlacement> placementRegistration;

    /** The registry source bound now; a miss fails clearly while none is. */
    private final LayerSource boundRegistry = new LayerSource() {
        @Override
        public String name() {
            LayerSource r = registry;
            return r == null ? "registry" : r.name();
        }

        @Override
        public ImageManifest resolve(String imageReference) throws LayerSourceException {
            return current().resolve(imageReference);
        }

        @Override
        public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
            return current().openBlob(repository, layer, offset);
        }

        private LayerSource current() throws LayerSourceException {
            LayerSource r = registry;
            if (r == null) {
                throw new LayerSourceException("no registry source matches registry.target in org.layerswap.cluster", true);
            }
            return r;
        }
    };

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindStore(LayerStore s) {
        store = s;
        ClusterNode n = node;
        if (n != null) {
            try {
                n.storeAppeared(s.resident());
            } catch (IOException | RuntimeException e) {
                LOG.warn("cluster: publishing the store's layers failed: {}", e.toString());
            }
        }
    }

    void unbindStore(LayerStore s) {
        if (store == s) {
            store = null;
        }
    }

    @Activate
    synchronized void activate(BundleContext ctx, ClusterConfig config) throws IOException {
        this.context = ctx;
        start(settings(config));
    }

    @Modified
    synchronized void modified(ClusterConfig config) throws IOException {
        stop();
        start(settings(config));
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
    }

    static ClusterSettings settings(ClusterConfig c) {
        return new ClusterSettings(c.enabled(), c.clusterName(), ClusterSettings.parseMembers(c.members()), c.bindAddress(), c.port(),
                c.peerPort(), c.backupCount(), c.tokenFile(), c.blobDir(), c.peerWaitSeconds(), c.transferAttempts(),
                c.peerTimeoutSeconds(), c.placementLoadFactor(), c.profileFlushMillis());
    }

    private void start(ClusterSettings s) throws IOException {
        if (!s.enabled()) {
            LOG.info("cluster off (enabled=false in org.layerswap.cluster): a single node");
            return;
        }
        SecretToken token = SecretToken.loadOrCreate(DataPaths.resolve(s.tokenFile(), "security/cluster.token"), "cluster token");
        Path blobs = DataPaths.resolve(s.blobDir(), "cluster/blobs");
        LayerStore st = store;
        ClusterNode n = new ClusterNode(s, token, blobs, boundRegistry, st == null ? null : st.resident());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", PeerLayerSource.NAME);
        sourceRegistration = context.registerService(LayerSource.class, n.peerSource(), props);
        listenerRegistration = context.registerService(LayerStoreListener.class, n.storeListener(), new Hashtable<>());
        profilesRegistration = context.registerService(ProfilePartitioning.class, n.profiles(), new Hashtable<>());
        placementRegistration = context.registerService(FunctionPlacement.class, n.placement(), new Hashtable<>());
        node = n;
    }

    private void stop() {
        ClusterNode n = node;
        node = null;
        for (ServiceRegistration<?> r : new ServiceRegistration<?>[] {placementRegistration, profilesRegistration, sourceRegistration,
                listenerRegistration}) {
            if (r != null) {
                try {
                    r.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping
                }
            }
        }
        sourceRegistration = null;
        listenerRegistration = null;
        profilesRegistration = null;
        placementRegistration = null;
        if (n != null) {
            n.close();
        }
    }

    @Override
    public ClusterStatus status() {
        ClusterNode n = node;
        return n == null ? ClusterStatus.disabled() : n.status();
    }

    @Override
    public Optional<Placement> place(String functionId) {
        ClusterNode n = node;
        return n == null ? Optional.empty() : n.place(functionId);
    }
}
