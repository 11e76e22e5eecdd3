package org.layerswap.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cluster's settings (PID {@code org.layerswap.cluster}); {@link #DEFAULT} equals the OCD defaults and the shipped
 * {@code etc/org.layerswap.cluster.cfg}. Invariants checked here, with an error naming the key: the bind address is one
 * literal IP address, never a wildcard ({@code 0.0.0.0}, {@code ::}): the member and the peer endpoint listen only there;
 * every join-list entry is {@code host:port}; ports are 1..65535 (the peer port may be 0 in tests: any free port).
 *
 * @param enabled           false (default): no Hazelcast member, no peer endpoint, no peer source: a single node as before
 * @param clusterName       Hazelcast cluster name; members with another name never join
 * @param members           TCP/IP join list ({@code host:port}); empty: this member alone until others list it
 * @param bindAddress       the one address the member and the peer blob endpoint bind to
 * @param port              Hazelcast member port (no auto-increment: exactly this port)
 * @param peerPort          port of this node's peer blob endpoint (HTTP, cluster token as bearer)
 * @param backupCount       synchronous backups of the directory's entries
 * @param tokenFile         the cluster token file, relative to {@code ${karaf.data}}; generated 0600 when absent
 * @param blobDir           verified blobs this node serves to its peers, relative to {@code ${karaf.data}}
 * @param peerWaitSeconds   how long a miss waits for another member's registry pull of the same layer before pulling itself
 * @param transferAttempts  attempts per transfer (peer or registry), each resuming with a Range request
 * @param peerTimeoutSeconds connect and read timeout towards a peer
 * @param placementLoadFactor the placement bound c: no member is placed more than {@code ceil(c * average)} functions
 * @param profileFlushMillis how often a partition owner backs up the models that changed and publishes their estimates
 */
public record ClusterSettings(boolean enabled, String clusterName, List<String> members, String bindAddress, int port, int peerPort,
                              int backupCount, String tokenFile, String blobDir, long peerWaitSeconds, int transferAttempts,
                              long peerTimeoutSeconds, double placementLoadFactor, long profileFlushMillis) {

    public static final ClusterSettings DEFAULT = new ClusterSettings(false, "layerswap", List.of(), "127.0.0.1", 5701, 5710, 1,
            "security/cluster.token", "cluster/blobs", 120, 3, 10, 1.25, 500);

    public ClusterSettings {
        members = List.copyOf(members);
        if (clusterName == null || !clusterName.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("clusterName must be 1-64 letters, digits, '.', '_' or '-', got '" + clusterName + "'");
        }
        literalAddress("bindAddress", bindAddress);
        port("port", port, false);
        port("peerPort", peerPort, true);
        if (port == peerPort) {
            throw new IllegalArgumentException("port and peerPort must differ, both are " + port);
        }
        for (String m : members) {
            int colon = m.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("members: '" + m + "' is not host:port");
            }
            try {
                port("members port of '" + m + "'", Integer.parseInt(m.substring(colon + 1)), false);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("members: '" + m + "' has no numeric port");
            }
        }
        if (backupCount < 0 || backupCount > 6) {
            throw new IllegalArgumentException("backupCount must be 0..6 (Hazelcast's limit), got " + backupCount);
        }
        if (tokenFile == null || tokenFile.isBlank()) {
            throw new IllegalArgumentException("tokenFile must name a file (relative to ${karaf.data}); there is no default token");
        }
        if (blobDir == null || blobDir.isBlank()) {
            throw new IllegalArgumentException("blobDir must name a directory");
        }
        if (peerWaitSeconds < 0 || transferAttempts < 1 || peerTimeoutSeconds < 1) {
            throw new IllegalArgumentException("peerWaitSeconds must be >= 0, transferAttempts and peerTimeoutSeconds >= 1; got "
                    + peerWaitSeconds + ", " + transferAttempts + ", " + peerTimeoutSeconds);
        }
        if (!(placementLoadFactor > 1.0 && placementLoadFactor <= 10.0)) {
            throw new IllegalArgumentException("placementLoadFactor must be in (1, 10], got " + placementLoadFactor);
        }
        if (profileFlushMillis < 50 || profileFlushMillis > 60_000) {
            throw new IllegalArgumentException("profileFlushMillis must be 50..60000, got " + profileFlushMillis);
        }
    }

    /** The join list of a comma- or space-separated string ("" or blanks: none). */
    public static List<String> parseMembers(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            Arrays.stream(text.split("[,\\s]+")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return out;
    }

    public ClusterSettings withEnabled(boolean on) {
        return new ClusterSettings(on, clusterName, members, bindAddress, port, peerPort, backupCount, tokenFile, blobDir,
                peerWaitSeconds, transferAttempts, peerTimeoutSeconds, placementLoadFactor, profileFlushMillis);
    }

    /** Tests: a cluster of its own on loopback. */
    public ClusterSettings withNetwork(String name, List<String> joinList, int memberPort, int blobPort) {
        return new ClusterSettings(enabled, name, joinList, bindAddress, memberPort, blobPort, backupCount, tokenFile, blobDir,
                peerWaitSeconds, transferAttempts, peerTimeoutSeconds, placementLoadFactor, profileFlushMillis);
    }

    public ClusterSettings withPeerWait(long seconds) {
        return new ClusterSettings(enabled, clusterName, members, bindAddress, port, peerPort, backupCount, tokenFile, blobDir,
                seconds, transferAttempts, peerTimeoutSeconds, placementLoadFactor, profileFlushMillis);
    }

    private static void port(String key, int p, boolean zeroAllowed) {
        if (p < (zeroAllowed ? 0 : 1) || p > 65535) {
            throw new IllegalArgumentException(key + " must be a port 1..65535, got " + p);
        }
    }

    private static void literalAddress(String key, String a) {
        if (a == null || !(a.matches("[0-9.]+") || a.contains(":"))) {
            throw new IllegalArgumentException(key + " must be a literal IP address (e.g. 127.0.0.1 or a private-network address), got '"
                    + a + "'");
        }
        try {
            InetAddress ia = InetAddress.getByName(a); // literal: no lookup
            if (ia.isAnyLocalAddress()) {
                throw new IllegalArgumentException(key + " must not be a wildcard address (" + a + "): the cluster binds only to "
                        + "the configured private address (docs/cluster.md)");
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(key + " is not an IP address: '" + a + "'", e);
        }
    }
}
