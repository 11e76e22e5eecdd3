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
     * An image record LayerSwap created in containerd (labelled {@code org.layerswap.predicted=<lease>}) and has not
     * deleted yet: its namespace, its name, the lease its label names. Since 1.8.
     */
    record ImageRecord(String namespace, String name, String lease) {
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
     * @param imageRecords      the image records LayerSwap created and has not deleted yet, including those made before a
     *                          restart (since 1.8)
     */
    record ContainerdStatus(boolean serving, String socket, boolean learning, boolean connected, Map<String, Long> snapshotsByKind,
                            long handshakeHits, long handshakeMisses, long eventsSeen, long eventsMapped, long eventsDropped,
                            long imagesKnown, long layersRegistered, long registrationFailures, List<Registration> registrations,
                            List<ImageRecord> imageRecords) {
        public ContainerdStatus {
            snapshotsByKind = Map.copyOf(snapshotsByKind);
            registrations = List.copyOf(registrations);
            imageRecords = List.copyOf(imageRecords);
        }

        /** Without image records (the 1.4 shape, kept for compatibility). */
        public ContainerdStatus(boolean serving, String socket, boolean learning, boolean connected, Map<String, Long> snapshotsByKind,
                                long handshakeHits, long handshakeMisses, long eventsSeen, long eventsMapped, long eventsDropped,
                                long imagesKnown, long layersRegistered, long registrationFailures, List<Registration> registrations) {
            this(serving, socket, learning, connected, snapshotsByKind, handshakeHits, handshakeMisses, eventsSeen, eventsMapped, eventsDropped,
                    imagesKnown, layersRegistered, registrationFailures, registrations, List.of());
        }

        public static ContainerdStatus off() {
            return new ContainerdStatus(false, "", false, false, Map.of("ACTIVE", 0L, "VIEW", 0L, "COMMITTED", 0L), 0, 0, 0, 0, 0, 0, 0, 0,
                    List.of());
        }
    }
}
