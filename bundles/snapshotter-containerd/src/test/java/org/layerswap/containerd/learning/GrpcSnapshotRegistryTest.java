package org.layerswap.containerd.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.containerd.SocketServer;
import org.layerswap.containerd.proto.containers.Container;
import org.layerswap.containerd.proto.containers.ContainersGrpc;
import org.layerswap.containerd.proto.containers.GetContainerRequest;
import org.layerswap.containerd.proto.containers.GetContainerResponse;
import org.layerswap.containerd.proto.leases.CreateRequest;
import org.layerswap.containerd.proto.leases.CreateResponse;
import org.layerswap.containerd.proto.leases.DeleteRequest;
import org.layerswap.containerd.proto.leases.LeasesGrpc;
import org.layerswap.containerd.proto.snapshots.PrepareSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.PrepareSnapshotResponse;
import org.layerswap.containerd.proto.snapshots.RemoveSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.SnapshotsGrpc;

import com.google.protobuf.Empty;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/** {@link GrpcSnapshotRegistry} and {@link ContainerdConnection} against a fake containerd on a Unix socket. */
class GrpcSnapshotRegistryTest {

    static final Context.Key<String> NS = Context.key("ns");
    static final Context.Key<String> LEASE = Context.key("lease");

    @TempDir
    Path dir;

    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile Status leaseAnswer = Status.OK;
    volatile Status prepareAnswer = Status.ALREADY_EXISTS;
    SocketServer server;
    ContainerdConnection connection;

    String who() {
        return NS.get() + (LEASE.get() == null ? "" : "/" + LEASE.get());
    }

    <T> void answer(StreamObserver<T> o, Status s, T ok) {
        if (s.isOk()) {
            o.onNext(ok);
            o.onCompleted();
        } else {
            o.onError(s.asRuntimeException());
        }
    }

    @BeforeEach
    void fakeContainerd() throws Exception {
        io.grpc.ServerInterceptor headers = new io.grpc.ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata h,
                                                                      io.grpc.ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(NS, h.get(ContainerdConnection.NAMESPACE))
                        .withValue(LEASE, h.get(ContainerdConnection.LEASE)), call, h, next);
            }
        };
        var leases = new LeasesGrpc.LeasesImplBase() {
            @Override
            public void create(CreateRequest r, StreamObserver<CreateResponse> o) {
                calls.add(who() + " create " + r.getId() + " " + r.getLabelsMap());
                answer(o, leaseAnswer, CreateResponse.getDefaultInstance());
            }

            @Override
            public void delete(DeleteRequest r, StreamObserver<Empty> o) {
                calls.add(who() + " delete " + r.getId());
                answer(o, leaseAnswer, Empty.getDefaultInstance());
            }
        };
        var snapshots = new SnapshotsGrpc.SnapshotsImplBase() {
            @Override
            public void prepare(PrepareSnapshotRequest r, StreamObserver<PrepareSnapshotResponse> o) {
                calls.add(who() + " prepare " + r.getSnapshotter() + " [" + r.getKey() + "] parent=" + r.getParent() + " " + r.getLabelsMap());
                answer(o, prepareAnswer, PrepareSnapshotResponse.getDefaultInstance());
            }

            @Override
            public void remove(RemoveSnapshotRequest r, StreamObserver<Empty> o) {
                calls.add(who() + " remove [" + r.getKey() + "]");
                answer(o, Status.OK, Empty.getDefaultInstance());
            }
        };
        var containers = new ContainersGrpc.ContainersImplBase() {
            @Override
            public void get(GetContainerRequest r, StreamObserver<GetContainerResponse> o) {
                if (r.getId().equals("c1")) {
                    answer(o, Status.OK, GetContainerResponse.newBuilder().setContainer(Container.newBuilder().setId("c1")
                            .setImage("reg/fn:1").putLabels("fn", NS.get())).build());
                } else {
                    answer(o, r.getId().equals("broken") ? Status.UNAVAILABLE : Status.NOT_FOUND, null);
                }
            }
        };
        server = SocketServer.start(dir.resolve("c.sock"), PosixFilePermissions.fromString("rw-------"),
                () -> ServerInterceptors.intercept(leases, headers), () -> ServerInterceptors.intercept(snapshots, headers),
                () -> ServerInterceptors.intercept(containers, headers));
        connection = new ContainerdConnection(dir.resolve("c.sock"));
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        server.close();
    }

    @Test
    void aLeaseIsCreatedInTheNamespaceWithContainerdsExpiryLabelAndAnExistingOneIsFine() {
        GrpcSnapshotRegistry r = new GrpcSnapshotRegistry(connection, "layerswap");
        r.createLease("k8s.io", "l-1", Instant.parse("2026-12-06T10:00:00Z"));
        assertEquals(List.of("k8s.io create l-1 {containerd.io/gc.expire=2026-12-06T10:00:00Z}"), calls);
        leaseAnswer = Status.ALREADY_EXISTS;
        r.createLease("k8s.io", "l-1", Instant.EPOCH);
        leaseAnswer = Status.NOT_FOUND;
        r.deleteLease("k8s.io", "gone");
        leaseAnswer = Status.UNAVAILABLE;
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> r.deleteLease("k8s.io", "l-1"));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    }

    @Test
    void aLabelledPrepareAnsweredAlreadyExistsIsACommitUnderTheLease() {
        GrpcSnapshotRegistry r = new GrpcSnapshotRegistry(connection, "layerswap");
        assertTrue(r.commitByRef("k8s.io", "l-1", "layerswap-predicted sha256:b", "sha256:a", "sha256:b"));
        assertEquals(List.of("k8s.io/l-1 prepare layerswap [layerswap-predicted sha256:b] parent=sha256:a "
                + "{containerd.io/snapshot.ref=sha256:b}"), calls);
    }

    @Test
    void aPrepareThatWasNotAnsweredFromTheStoreIsRemovedAgainAndOtherErrorsSurface() {
        GrpcSnapshotRegistry r = new GrpcSnapshotRegistry(connection, "layerswap");
        prepareAnswer = Status.OK;
        assertFalse(r.commitByRef("ns", "l", "k", "", "sha256:b"));
        assertEquals("ns/l remove [k]", calls.get(1));
        prepareAnswer = Status.NOT_FOUND;
        assertThrows(StatusRuntimeException.class, () -> r.commitByRef("ns", "l", "k", "missing-parent", "sha256:b"));
    }

    @Test
    void aContainerIsLookedUpInItsNamespaceAndAGoneOneIsEmpty() {
        assertEquals(Optional.of(new ContainerLookup.ContainerRef("reg/fn:1", Map.of("fn", "tenant-a"))), connection.find("tenant-a", "c1"));
        assertEquals(Optional.empty(), connection.find("tenant-a", "gone"));
        assertThrows(StatusRuntimeException.class, () -> connection.find("tenant-a", "broken"));
    }
}
