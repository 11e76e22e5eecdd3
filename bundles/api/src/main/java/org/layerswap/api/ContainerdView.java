package org.layerswap.api;

import java.util.List;
import java.util.Map;

/**
 * Read-only view of the containerd integration (issue 18) for the shell and REST: whether the proxy snapshotter
 * serves, its snapshots by kind, the remote-snapshotter handshakes, and the learning loop (containerd's event stream,
 * the images made ready ahead of predicted starts). With the snapshotter off, {@link #status()} reports
 * {@code serving == false} and zeros. Since 1.4.
 */
public interface ContainerdView {

    ContainerdStatus status();

    /**
     * An image made ready in containerd: its namespace, its name there, the containerd lease holding its layer
     * snapshots, when (epoch ms), how many layers.
     */
    record Registration(String namespace, String image, String lease, long atMillis, int layers) {
    }

    /**
     * @param serving           the snapshots socket is served
     * @param socket            the snapshots socket ("" when not serving)
     * @param learning          the learning loop runs (subscribed or trying to)
     * @param connected         the learning loop's event subscription to containerd is open
     * @param snapshotsByKind   the snapshotter's snapshots by kind (ACTIVE, VIEW, COMMITTED; absent kinds are 0)
     * @param handshakeHits     labelled Prepares answered from LayerSwap's store
     * @param handshakeMisses   labelled Prepares it could not answer
     * @param eventsSeen        containerd events received
     * @param eventsMapped      events that became invocations (task starts) or taught an image
     * @param eventsDropped     events that could not be used
     * @param imagesKnown       containerd images resolved through LayerSwap's layer sources
     * @param layersRegistered  layer snapshots registered ahead of predicted starts
     * @param registrationFailures predicted images that could not be made ready
     * @param registrations     the current registrations
     */
    record ContainerdStatus(boolean serving, String socket, boolean learning, boolean connected, Map<String, Long> snapshotsByKind,
                            long handshakeHits, long handshakeMisses, long eventsSeen, long eventsMapped, long eventsDropped,
                            long imagesKnown, long layersRegistered, long registrationFailures, List<Registration> registrations) {
        public ContainerdStatus {
            snapshotsByKind = Map.copyOf(snapshotsByKind);
            registrations = List.copyOf(registrations);
        }

        public static ContainerdStatus off() {
            return new ContainerdStatus(false, "", false, false, Map.of("ACTIVE", 0L, "VIEW", 0L, "COMMITTED", 0L), 0, 0, 0, 0, 0, 0, 0, 0,
                    List.of());
        }
    }
}
