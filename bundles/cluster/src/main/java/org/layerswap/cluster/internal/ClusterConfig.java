package org.layerswap.cluster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID {@code org.layerswap.cluster}; defaults equal {@code ClusterSettings.DEFAULT} and {@code etc/org.layerswap.cluster.cfg}. */
@ObjectClassDefinition(name = "LayerSwap cluster", description = "Embedded Hazelcast member, cluster-wide layer directory and "
        + "peer layer source (off by default; docs/cluster.md)")
public @interface ClusterConfig {

    @AttributeDefinition(description = "Start the Hazelcast member and the peer blob endpoint. Off: a single node exactly as without "
            + "the cluster. On: also set source.target=(name=peer) in org.layerswap.store")
    boolean enabled() default false;

    @AttributeDefinition(description = "Hazelcast cluster name (letters, digits, . _ -); members with another name never join")
    String clusterName() default "layerswap";

    @AttributeDefinition(description = "TCP/IP join list: host:port of the other members, comma-separated (no multicast, no discovery)")
    String members() default "";

    @AttributeDefinition(description = "The one literal IP address the member and the peer blob endpoint bind to (a private network: "
            + "Hazelcast OSS has no TLS); never 0.0.0.0")
    String bindAddress() default "127.0.0.1";

    @AttributeDefinition(description = "Hazelcast member port (exactly this port, no auto-increment)")
    int port() default 5701;

    @AttributeDefinition(description = "Port of this node's peer blob endpoint (HTTP, cluster token as bearer)")
    int peerPort() default 5710;

    @AttributeDefinition(description = "Synchronous backups of the directory's entries")
    int backupCount() default 1;

    @AttributeDefinition(description = "Cluster token file, relative to ${karaf.data}; generated (0600) when absent. Copy the same file "
            + "to every member")
    String tokenFile() default "security/cluster.token";

    @AttributeDefinition(description = "Directory of the verified blobs this node serves to its peers, relative to ${karaf.data}")
    String blobDir() default "cluster/blobs";

    @AttributeDefinition(description = "Seconds a miss waits for another member's registry pull of the same layer before pulling itself")
    long peerWaitSeconds() default 120;

    @AttributeDefinition(description = "Attempts per transfer (peer or registry), each resuming with a Range request")
    int transferAttempts() default 3;

    @AttributeDefinition(description = "Connect and read timeout towards a peer, seconds")
    long peerTimeoutSeconds() default 10;

    @AttributeDefinition(description = "Placement bound c (> 1): no member is placed more than ceil(c x average) functions "
            + "(consistent hashing with bounded loads)")
    double placementLoadFactor() default 1.25;

    @AttributeDefinition(description = "Milliseconds between a partition owner's backups of the profiles that changed (and the "
            + "publication of their estimates)")
    long profileFlushMillis() default 500;

    @AttributeDefinition(name = "Registry source filter", description = "LDAP filter selecting the LayerSource a miss falls back to, "
            + "e.g. (name=oci) or (name=layout)")
    String registry_target() default "(name=oci)";
}
