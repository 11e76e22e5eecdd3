package org.layerswap.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.PartitioningStrategyConfig;
import com.hazelcast.partition.strategy.StringPartitioningStrategy;

/**
 * The embedded member's Hazelcast {@link Config}, built from {@link ClusterSettings} only (no XML, no system
 * properties). What it guarantees (checked by {@code HazelcastConfigsTest}; the binding by the real-member tests):
 * <ul>
 * <li>the member listens on {@code bindAddress:port} only: interfaces restricted to that address,
 * {@code hazelcast.socket.bind.any=false}, no port auto-increment;</li>
 * <li>it joins by the TCP/IP list only: multicast and auto-detection (cloud discovery) off;</li>
 * <li>nothing else is opened or sent: phone-home off, the REST and memcache endpoints off (the legacy text protocols and
 * the 5.5 REST server), management-center scripting, console and data access off, Jet off, no JVM shutdown hook
 * (the component shuts the member down);</li>
 * <li>the peer blob endpoint of the member is its {@link #PEER_ATTRIBUTE} member attribute.</li>
 * </ul>
 * No class loader is set: the maps hold JDK strings, string arrays and byte arrays only, so Hazelcast never has to
 * load a class of ours (inside OSGi it keeps using its own bundle's loader, which sees its internal service files).
 */
public final class HazelcastConfigs {

    /** Member attribute: this member's peer blob endpoint, {@code http://address:peerPort}. */
    public static final String PEER_ATTRIBUTE = "layerswap.peer";
    /** digest -> "uuid endpoint" of every member holding that layer's verified blob. */
    public static final String LAYERS = "layerswap.layers";
    /** digest -> uuid of the member pulling it from the registry (the cluster-wide single flight). */
    public static final String PULLS = "layerswap.pulls";
    /** Partitioned profiler inbox: {@code "<uuid>@<function>"} -> event, in the function's partition ({@link ProfileWire}). */
    public static final String PROFILE_EVENTS = "layerswap.profile-events";
    /** Partitioned profiler: function id -> the owner's last exported state (the profiler's snapshot bytes). */
    public static final String PROFILES = "layerswap.profiles";
    /** Replicated on every member: function id -> the owner's published estimate ({@link ProfileWire}). */
    public static final String ESTIMATES = "layerswap.estimates";

    private HazelcastConfigs() {
    }

    public static Config member(ClusterSettings s, String peerEndpoint) {
        Config c = new Config();
        c.setClusterName(s.clusterName());
        c.setInstanceName("layerswap-" + s.clusterName() + "-" + s.bindAddress() + "-" + s.port());
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.local.localAddress", s.bindAddress());
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        // join quickly: the first member need not wait for a multicast answer that never comes
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(s.port()).setPortAutoIncrement(false).setReuseAddress(true);
        net.getInterfaces().setEnabled(true).addInterface(s.bindAddress());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(s.members());
        net.getRestApiConfig().setEnabled(false);
        net.getMemcacheProtocolConfig().setEnabled(false);
        c.getRestConfig().setEnabled(false);
        c.getManagementCenterConfig().setScriptingEnabled(false).setConsoleEnabled(false).setDataAccessEnabled(false);
        c.getJetConfig().setEnabled(false);
        c.getMemberAttributeConfig().setAttribute(PEER_ATTRIBUTE, peerEndpoint);
        c.getMultiMapConfig(LAYERS).setBackupCount(s.backupCount()).setValueCollectionType(MultiMapConfig.ValueCollectionType.SET);
        c.getMapConfig(PULLS).setBackupCount(s.backupCount());
        // an inbox key's partition is its function's: the part after the first '@' (a Hazelcast strategy, no class of ours)
        c.getMapConfig(PROFILE_EVENTS).setBackupCount(s.backupCount())
                .setPartitioningStrategyConfig(new PartitioningStrategyConfig(new StringPartitioningStrategy()));
        c.getMapConfig(PROFILES).setBackupCount(s.backupCount());
        return c;
    }
}
