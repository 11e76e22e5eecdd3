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
    private final SocketServer server;

    private SnapshotterServer(Snapshotter snapshotter, SocketServer server) {
        this.snapshotter = snapshotter;
        this.server = server;
    }

    public static SnapshotterServer start(ContainerdSettings settings, Clock clock) throws IOException {
        Snapshotter s = new Snapshotter(settings.root(), clock);
        s.cleanup();
        SocketServer server = SocketServer.start(settings.socket(), settings.socketMode(), new SnapshotsService(s));
        LOG.info("containerd snapshotter serving on {} (snapshots under {}, {} recorded)", settings.socket(), settings.root(),
                s.list(i -> true).size());
        return new SnapshotterServer(s, server);
    }

    public Snapshotter snapshotter() {
        return snapshotter;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
