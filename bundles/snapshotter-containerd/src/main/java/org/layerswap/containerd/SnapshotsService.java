package org.layerswap.containerd;

import java.util.List;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;

import org.layerswap.containerd.proto.snapshots.CleanupRequest;
import org.layerswap.containerd.proto.snapshots.CommitSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.Info;
import org.layerswap.containerd.proto.snapshots.Kind;
import org.layerswap.containerd.proto.snapshots.ListSnapshotsRequest;
import org.layerswap.containerd.proto.snapshots.ListSnapshotsResponse;
import org.layerswap.containerd.proto.snapshots.MountsRequest;
import org.layerswap.containerd.proto.snapshots.MountsResponse;
import org.layerswap.containerd.proto.snapshots.PrepareSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.PrepareSnapshotResponse;
import org.layerswap.containerd.proto.snapshots.RemoveSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.SnapshotsGrpc;
import org.layerswap.containerd.proto.snapshots.StatSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.StatSnapshotResponse;
import org.layerswap.containerd.proto.snapshots.UpdateSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.UpdateSnapshotResponse;
import org.layerswap.containerd.proto.snapshots.UsageRequest;
import org.layerswap.containerd.proto.snapshots.UsageResponse;
import org.layerswap.containerd.proto.snapshots.ViewSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.ViewSnapshotResponse;
import org.layerswap.containerd.proto.types.Mount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * {@code containerd.services.snapshots.v1.Snapshots} over a {@link Snapshotter}: translates messages, answers
 * each failure with its status ({@link StatusMapping}) and goes on serving. The {@code snapshotter} field of
 * requests (containerd's name for the proxy) is not checked: one socket serves one snapshotter. With a
 * {@link RemoteHandshake}, a labelled Prepare is first offered to it (ALREADY_EXISTS when it committed the layer).
 */
public final class SnapshotsService extends SnapshotsGrpc.SnapshotsImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotsService.class);
    /** List answers in pages of this many infos, as containerd's own service does. */
    static final int LIST_PAGE = 100;

    /** A call that may throw what {@link StatusMapping} maps. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    private final Snapshotter snapshotter;
    private final RemoteHandshake handshake;

    /** Without the handshake: every Prepare prepares. */
    public SnapshotsService(Snapshotter snapshotter) {
        this(snapshotter, null);
    }

    /** @param handshake answers labelled Prepares from LayerSwap's store first; null for none */
    public SnapshotsService(Snapshotter snapshotter, RemoteHandshake handshake) {
        this.snapshotter = snapshotter;
        this.handshake = handshake;
    }

    private static <T> void answer(String op, String key, StreamObserver<T> out, Call<T> call) {
        T result;
        try {
            result = call.run();
        } catch (Exception e) {
            if (!(e instanceof SnapshotException)) {
                LOG.warn("containerd snapshotter: {} '{}' failed", op, key, e);
            }
            out.onError(StatusMapping.toStatus(e));
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }

    @Override
    public void prepare(PrepareSnapshotRequest r, StreamObserver<PrepareSnapshotResponse> out) {
        answer("prepare", r.getKey(), out, () -> {
            if (handshake != null) {
                RequestRules.requireKey("key", r.getKey());
                var committed = handshake.tryCommit(r.getParent(), r.getLabelsMap());
                if (committed.isPresent()) {
                    throw new SnapshotException(SnapshotException.Reason.ALREADY_EXISTS, "target snapshot '" + committed.get()
                            + "' already exists (committed from LayerSwap's store)");
                }
            }
            return PrepareSnapshotResponse.newBuilder()
                    .addAllMounts(toProto(snapshotter.prepare(r.getKey(), r.getParent(), r.getLabelsMap()))).build();
        });
    }

    @Override
    public void view(ViewSnapshotRequest r, StreamObserver<ViewSnapshotResponse> out) {
        answer("view", r.getKey(), out, () -> ViewSnapshotResponse.newBuilder()
                .addAllMounts(toProto(snapshotter.view(r.getKey(), r.getParent(), r.getLabelsMap()))).build());
    }

    @Override
    public void mounts(MountsRequest r, StreamObserver<MountsResponse> out) {
        answer("mounts", r.getKey(), out, () -> MountsResponse.newBuilder().addAllMounts(toProto(snapshotter.mounts(r.getKey()))).build());
    }

    @Override
    public void commit(CommitSnapshotRequest r, StreamObserver<Empty> out) {
        answer("commit", r.getKey(), out, () -> {
            snapshotter.commit(r.getName(), r.getKey(), r.getLabelsMap());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void remove(RemoveSnapshotRequest r, StreamObserver<Empty> out) {
        answer("remove", r.getKey(), out, () -> {
            snapshotter.remove(r.getKey());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void stat(StatSnapshotRequest r, StreamObserver<StatSnapshotResponse> out) {
        answer("stat", r.getKey(), out, () -> StatSnapshotResponse.newBuilder().setInfo(toProto(snapshotter.stat(r.getKey()))).build());
    }

    @Override
    public void update(UpdateSnapshotRequest r, StreamObserver<UpdateSnapshotResponse> out) {
        answer("update", r.getInfo().getName(), out, () -> UpdateSnapshotResponse.newBuilder()
                .setInfo(toProto(snapshotter.update(r.getInfo().getName(), r.getInfo().getLabelsMap(),
                        r.hasUpdateMask() ? r.getUpdateMask().getPathsList() : List.of()))).build());
    }

    @Override
    public void list(ListSnapshotsRequest r, StreamObserver<ListSnapshotsResponse> out) {
        List<SnapshotInfo> all;
        try {
            all = snapshotter.list(ListFilter.parse(r.getFiltersList()));
        } catch (Exception e) {
            out.onError(StatusMapping.toStatus(e));
            return;
        }
        ServerCallStreamObserver<ListSnapshotsResponse> call = (ServerCallStreamObserver<ListSnapshotsResponse>) out;
        call.setOnCancelHandler(() -> LOG.debug("containerd snapshotter: a List was cancelled by its client"));
        for (int i = 0; i < all.size(); i += LIST_PAGE) {
            if (call.isCancelled()) {
                return; // the peer went away mid-stream: nothing more to send, nothing to fail
            }
            ListSnapshotsResponse.Builder page = ListSnapshotsResponse.newBuilder();
            all.subList(i, Math.min(all.size(), i + LIST_PAGE)).forEach(s -> page.addInfo(toProto(s)));
            out.onNext(page.build());
        }
        out.onCompleted();
    }

    @Override
    public void usage(UsageRequest r, StreamObserver<UsageResponse> out) {
        answer("usage", r.getKey(), out, () -> {
            SnapshotDirs.Usage u = snapshotter.usage(r.getKey());
            return UsageResponse.newBuilder().setSize(u.bytes()).setInodes(u.inodes()).build();
        });
    }

    @Override
    public void cleanup(CleanupRequest r, StreamObserver<Empty> out) {
        answer("cleanup", "", out, () -> {
            snapshotter.cleanup();
            return Empty.getDefaultInstance();
        });
    }

    static List<Mount> toProto(List<MountPlan.Mount> mounts) {
        return mounts.stream().map(m -> Mount.newBuilder().setType(m.type()).setSource(m.source()).addAllOptions(m.options()).build())
                .toList();
    }

    static Info toProto(SnapshotInfo s) {
        return Info.newBuilder().setName(s.name()).setParent(s.parent()).setKind(toProto(s.kind()))
                .setCreatedAt(timestamp(s.created())).setUpdatedAt(timestamp(s.updated())).putAllLabels(s.labels()).build();
    }

    static Kind toProto(SnapshotKind k) {
        return switch (k) {
            case VIEW -> Kind.VIEW;
            case ACTIVE -> Kind.ACTIVE;
            case COMMITTED -> Kind.COMMITTED;
        };
    }

    private static Timestamp timestamp(java.time.Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
