package org.layerswap.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.layerswap.api.ClusterView;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerStoreListener;
import org.layerswap.api.ResidentLayer;
import org.layerswap.api.config.SecretToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;

/**
 * One appliance's part of the cluster, plain Java: the peer blob endpoint ({@link BlobServer}), the embedded Hazelcast
 * member ({@link HazelcastConfigs}), the {@link HazelcastLayerDirectory}, the {@link PeerLayerSource} over the registry
 * source, and the {@link DirectorySync} the store tells of commits and removals. A member that leaves has its
 * directory entries and pull claims removed by the oldest remaining member (one cleaner per departure). Also the
 * {@link PartitionedProfiles} (the profiler's models by partition) and the {@link ClusterPlacement} over the members.
 * Start order: endpoint first (its address is a member attribute), then the member, then the directory; close in
 * reverse. Nothing here starts unless the settings say {@code enabled} (the component checks).
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final ClusterSettings settings;
    private final TransferCounters counters = new TransferCounters();
    private final BlobCache cache;
    private final BlobServer server;
    private final HazelcastInstance hz;
    private final HazelcastLayerDirectory directory;
    private final DirectorySync sync;
    private final PeerLayerSource source;
    private final PartitionedProfiles profiles;
    private final ClusterPlacement placement;

    /**
     * Starts the node. {@code resident}: the store's layers when it is known now (null: unknown; cached blobs are then
     * published when {@link #storeAppeared} is called).
     */
    public ClusterNode(ClusterSettings settings, SecretToken token, Path blobDir, LayerSource registry, List<ResidentLayer> resident)
            throws IOException {
        this.settings = settings;
        this.cache = new BlobCache(blobDir);
        this.server = new BlobServer(settings.bindAddress(), settings.peerPort(), cache, token, counters);
        try {
            this.hz = Hazelcast.newHazelcastInstance(HazelcastConfigs.member(settings, server.endpoint()));
        } catch (RuntimeException e) {
            server.close();
            throw new IOException("cannot start the Hazelcast member on " + settings.bindAddress() + ":" + settings.port() + ": " + e, e);
        }
        this.directory = new HazelcastLayerDirectory(hz);
        hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                LOG.info("cluster {}: member {} joined", settings.clusterName(), event.getMember().getAddress());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                memberLeft(event);
            }
        });
        this.sync = new DirectorySync(directory, cache);
        if (resident != null) {
            sync.reconcile(resident, true);
        }
        PeerFetcher fetcher = new PeerFetcher(directory, cache, new PeerClient(token, Duration.ofSeconds(settings.peerTimeoutSeconds())),
                counters, Duration.ofSeconds(settings.peerWaitSeconds()), settings.transferAttempts(), System::nanoTime);
        this.source = new PeerLayerSource(registry, fetcher, cache);
        this.profiles = new PartitionedProfiles(hz, settings.profileFlushMillis(), System::currentTimeMillis);
        this.placement = new ClusterPlacement(hz.getCluster(), profiles::knownFunctions, settings.placementLoadFactor());
        LOG.info("cluster {}: member {} up, peer blobs at {}", settings.clusterName(), hz.getCluster().getLocalMember().getAddress(),
                server.endpoint());
    }

    private void memberLeft(MembershipEvent event) {
        String uuid = event.getMember().getUuid().toString();
        Member oldest = event.getMembers().iterator().next();
        if (!oldest.localMember() || !hz.getLifecycleService().isRunning()) {
            return; // the oldest remaining member cleans up (not one that is shutting down itself)
        }
        try {
            int n = directory.removeMember(uuid);
            LOG.info("cluster {}: member {} left; {} directory entries removed", settings.clusterName(), event.getMember().getAddress(), n);
        } catch (RuntimeException e) {
            LOG.warn("cluster {}: cleaning the entries of departed member {} failed: {}", settings.clusterName(), uuid, e.toString());
        }
    }

    /** The store became available after the start: publish the blobs it still holds (nothing is deleted now). */
    public void storeAppeared(List<ResidentLayer> resident) throws IOException {
        sync.reconcile(resident, false);
    }

    public LayerSource peerSource() {
        return source;
    }

    public LayerStoreListener storeListener() {
        return sync;
    }

    public LayerDirectory directory() {
        return directory;
    }

    public BlobCache cache() {
        return cache;
    }

    public HazelcastInstance hazelcast() {
        return hz;
    }

    /** The partitioned profiler (registered as {@code ProfilePartitioning} by the component). */
    public PartitionedProfiles profiles() {
        return profiles;
    }

    /** Where {@code functionId} should run ({@link ClusterPlacement#place}). */
    public Optional<ClusterView.Placement> place(String functionId) {
        return placement.place(functionId);
    }

    /** The placement rule over the live members (registered as {@code FunctionPlacement} by the component). */
    public ClusterPlacement placement() {
        return placement;
    }

    public String peerEndpoint() {
        return server.endpoint();
    }

    /** For {@link ClusterView}: the members in join order, their layers, this node's counters. */
    public ClusterView.ClusterStatus status() {
        Map<String, List<String>> byMember = directory.layersByMember();
        Map<String, Integer> partitions = new HashMap<>();
        for (Partition p : hz.getPartitionService().getPartitions()) {
            if (p.getOwner() != null) {
                partitions.merge(p.getOwner().getUuid().toString(), 1, Integer::sum);
            }
        }
        List<ClusterView.Member> members = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            String uuid = m.getUuid().toString();
            members.add(new ClusterView.Member(uuid, m.getAddress().toString(), String.valueOf(m.getAttribute(HazelcastConfigs.PEER_ATTRIBUTE)),
                    m.localMember(), byMember.getOrDefault(uuid, List.of()), partitions.getOrDefault(uuid, 0)));
        }
        return new ClusterView.ClusterStatus(true, settings.clusterName(), directory.self(), members, counters.snapshot());
    }

    @Override
    public void close() {
        try {
            profiles.close();
            hz.shutdown();
        } finally {
            server.close();
        }
    }
}
