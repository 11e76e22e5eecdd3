package org.layerswap.containerd.learning;

import java.time.Instant;

import org.layerswap.containerd.RemoteHandshake;
import org.layerswap.containerd.proto.leases.CreateRequest;
import org.layerswap.containerd.proto.leases.DeleteRequest;
import org.layerswap.containerd.proto.snapshots.PrepareSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.RemoveSnapshotRequest;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** {@link SnapshotRegistry} over containerd's leases and snapshots services (the snapshotter named {@code snapshotter}). */
public final class GrpcSnapshotRegistry implements SnapshotRegistry {

    private final ContainerdConnection containerd;
    private final String snapshotter;

    public GrpcSnapshotRegistry(ContainerdConnection containerd, String snapshotter) {
        this.containerd = containerd;
        this.snapshotter = snapshotter;
    }

    @Override
    public void createLease(String namespace, String id, Instant expires) {
        try {
            containerd.leases(namespace).create(CreateRequest.newBuilder().setId(id).putLabels(EXPIRE_LABEL, expires.toString()).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw e;
            }
        }
    }

    @Override
    public void deleteLease(String namespace, String id) {
        try {
            containerd.leases(namespace).delete(DeleteRequest.newBuilder().setId(id).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public boolean commitByRef(String namespace, String lease, String key, String parent, String chainId) {
        try {
            containerd.snapshots(namespace, lease).prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(key)
                    .setParent(parent).putLabels(RemoteHandshake.TARGET, chainId).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                return true;
            }
            throw e;
        }
        containerd.snapshots(namespace, lease).remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build());
        return false;
    }
}
