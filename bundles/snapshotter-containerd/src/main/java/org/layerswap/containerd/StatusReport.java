package org.layerswap.containerd;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.layerswap.api.ContainerdView;
import org.layerswap.api.ContainerdView.ContainerdStatus;
import org.layerswap.containerd.learning.ContainerdLearning;
import org.layerswap.containerd.learning.EventCounters;
import org.layerswap.containerd.learning.PredictedSnapshots;

/** The {@link ContainerdView} status of a running snapshotter and learning loop (either may be absent: null). */
public final class StatusReport {

    private StatusReport() {
    }

    public static ContainerdStatus of(SnapshotterServer server, String socket, ContainerdLearning learning) {
        Map<String, Long> byKind = new TreeMap<>();
        for (SnapshotKind k : SnapshotKind.values()) {
            byKind.put(k.name(), 0L);
        }
        RemoteHandshake.Stats hs = new RemoteHandshake.Stats(0, 0);
        if (server != null) {
            server.snapshotter().list(s -> true).forEach(s -> byKind.merge(s.kind().name(), 1L, Long::sum));
            hs = server.handshakes();
        }
        EventCounters.Counts ev = learning == null ? new EventCounters.Counts(0, 0, 0) : learning.events();
        PredictedSnapshots.Counts pc = learning == null ? new PredictedSnapshots.Counts(0, 0, 0) : learning.predicted().counts();
        List<ContainerdView.Registration> regs = learning == null ? List.of() : learning.predicted().registrations().stream()
                .map(r -> new ContainerdView.Registration(r.namespace(), r.image().containerdName(), r.lease(), r.atMillis(),
                        r.image().layers().size()))
                .toList();
        List<ContainerdView.ImageRecord> records = learning == null ? List.of() : learning.imageRecords().stream()
                .map(r -> new ContainerdView.ImageRecord(r.namespace(), r.name(), r.lease())).toList();
        return new ContainerdStatus(server != null, server == null ? "" : socket, learning != null, learning != null && learning.connected(),
                byKind, hs.hits(), hs.misses(), ev.seen(), ev.mapped(), ev.dropped(), learning == null ? 0 : learning.images().size(),
                pc.layers(), pc.failures(), regs, records);
    }
}
