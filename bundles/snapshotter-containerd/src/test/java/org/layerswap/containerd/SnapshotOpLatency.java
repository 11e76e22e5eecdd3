package org.layerswap.containerd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.containerd.proto.snapshots.CommitSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.MountsRequest;
import org.layerswap.containerd.proto.snapshots.PrepareSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.RemoveSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.SnapshotsGrpc;

/**
 * Latency of the snapshot operations containerd calls on every layer and container (for {@link ContainerdStartBench}):
 * Prepare over a committed parent, Mounts, Commit, Remove, each a gRPC round trip on LayerSwap's socket as
 * containerd's proxy makes it. Each iteration leaves the snapshotter as it found it (its snapshot is removed), so the
 * metadata file does not grow across iterations.
 */
final class SnapshotOpLatency {

    static final List<String> OPS = List.of("Prepare", "Mounts", "Commit", "Remove");

    private SnapshotOpLatency() {
    }

    /** {@code n} samples (ms) per operation, in {@link #OPS} order; a base snapshot is prepared, committed and removed around them. */
    static Map<String, double[]> measure(Path socket, int n) throws Exception {
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        OPS.forEach(op -> ms.put(op, new ArrayList<>()));
        try (SocketClient client = new SocketClient(socket)) {
            client.blocking().prepare(PrepareSnapshotRequest.newBuilder().setKey("latency-base-active").build());
            client.blocking().commit(CommitSnapshotRequest.newBuilder().setName("latency-base").setKey("latency-base-active").build());
            for (int i = 0; i < n; i++) {
                String key = "latency-active-" + i;
                String name = "latency-committed-" + i;
                SnapshotsGrpc.SnapshotsBlockingStub s = client.blocking(); // its deadline (20 s) runs from here
                long t0 = System.nanoTime();
                s.prepare(PrepareSnapshotRequest.newBuilder().setKey(key).setParent("latency-base").build());
                long t1 = System.nanoTime();
                s.mounts(MountsRequest.newBuilder().setKey(key).build());
                long t2 = System.nanoTime();
                s.commit(CommitSnapshotRequest.newBuilder().setName(name).setKey(key).build());
                long t3 = System.nanoTime();
                s.remove(RemoveSnapshotRequest.newBuilder().setKey(name).build());
                long t4 = System.nanoTime();
                ms.get("Prepare").add((t1 - t0) / 1e6);
                ms.get("Mounts").add((t2 - t1) / 1e6);
                ms.get("Commit").add((t3 - t2) / 1e6);
                ms.get("Remove").add((t4 - t3) / 1e6);
            }
            client.blocking().remove(RemoveSnapshotRequest.newBuilder().setKey("latency-base").build());
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        ms.forEach((op, v) -> out.put(op, v.stream().mapToDouble(Double::doubleValue).sorted().toArray()));
        return out;
    }

    /** Nearest-rank percentile of sorted samples. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
