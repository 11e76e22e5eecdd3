package org.layerswap.containerd;

import java.io.IOException;
import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy snapshotter: a {@link Snapshotter} over the settings' root served on their socket. On
 * start, {@link Snapshotter#cleanup()} first deletes what a crash left behind, so containerd finds exactly the
 * snapshots recorded before the restart.
 */
public final class SnapshotterServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotterServer.class);

    private final Snapshotter snapshotter;
    private final RemoteHandshake handshake;
    private final SocketServer server;

    private SnapshotterServer(Snapshotter snapshotter, RemoteHandshake handshake, SocketServer server) {
        this.snapshotter = snapshotter;
        this.handshake = handshake;
        this.server = server;
    }

    /** Without LayerSwap's store: every snapshot holds its own content, no handshake. */
    public static SnapshotterServer start(ContainerdSettings settings, Clock clock) throws IOException {
        return start(settings, clock, StoreLayers.NONE, new LayerCatalog());
    }

    /** With the store's layers behind the remote-snapshotter handshake ({@link RemoteHandshake}). */
    public static SnapshotterServer start(ContainerdSettings settings, Clock clock, StoreLayers store, LayerCatalog catalog)
            throws IOException {
        Snapshotter s = new Snapshotter(settings.root(), clock, store);
        RemoteHandshake handshake = new RemoteHandshake(s, catalog);
        SocketServer server;
        try {
            s.cleanup();
            server = SocketServer.start(settings.socket(), settings.socketMode(), new SnapshotsService(s, handshake));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        LOG.info("containerd snapshotter serving on {} (snapshots under {}, {} recorded)", settings.socket(), settings.root(),
                s.list(i -> true).size());
        return new SnapshotterServer(s, handshake, server);
    }

    public Snapshotter snapshotter() {
        return snapshotter;
    }

    public RemoteHandshake.Stats handshakes() {
        return handshake.stats();
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            snapshotter.close();
        }
    }
}
