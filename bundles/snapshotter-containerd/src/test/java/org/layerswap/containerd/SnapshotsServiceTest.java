package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.containerd.proto.snapshots.CommitSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.Info;
import org.layerswap.containerd.proto.snapshots.Kind;
import org.layerswap.containerd.proto.snapshots.ListSnapshotsRequest;
import org.layerswap.containerd.proto.snapshots.ListSnapshotsResponse;
import org.layerswap.containerd.proto.snapshots.MountsRequest;
import org.layerswap.containerd.proto.snapshots.PrepareSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.RemoveSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.StatSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.UpdateSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.UsageRequest;
import org.layerswap.containerd.proto.types.Mount;

import com.google.protobuf.FieldMask;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/** The service over a real Unix socket and a real gRPC client: messages, statuses, and serving on after failures. */
class SnapshotsServiceTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.5Z");

    @TempDir
    Path dir;
    SocketServer server;
    SocketClient client;
    Snapshotter snapshotter;

    @BeforeEach
    void start() throws Exception {
        snapshotter = new Snapshotter(dir.resolve("root"), Clock.fixed(T0, ZoneOffset.UTC));
        server = SocketServer.start(dir.resolve("s.sock"), new ContainerdSettings(true, dir.resolve("s.sock"), dir.resolve("root"),
                false).socketMode(), new SnapshotsService(snapshotter));
        client = new SocketClient(server.socket());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    PrepareSnapshotRequest prepare(String key, String parent) {
        return PrepareSnapshotRequest.newBuilder().setSnapshotter("layerswap").setKey(key).setParent(parent).build();
    }

    @Test
    void prepareCommitStatAndMountsTravelAsContainerdsMessages() {
        var b = client.blocking();
        List<Mount> m = b.prepare(prepare("a", "")).getMountsList();
        assertEquals(1, m.size());
        assertEquals("bind", m.get(0).getType());
        assertEquals(List.of("rw", "rbind"), m.get(0).getOptionsList());
        b.commit(CommitSnapshotRequest.newBuilder().setKey("a").setName("base").putLabels("k", "v").build());
        List<Mount> over = b.prepare(prepare("b", "base")).getMountsList();
        assertEquals("overlay", over.get(0).getType());
        assertEquals(over, b.mounts(MountsRequest.newBuilder().setKey("b").build()).getMountsList());

        Info info = b.stat(StatSnapshotRequest.newBuilder().setKey("base").build()).getInfo();
        assertEquals(Kind.COMMITTED, info.getKind());
        assertEquals("v", info.getLabelsOrThrow("k"));
        assertEquals(T0.getEpochSecond(), info.getCreatedAt().getSeconds());
        assertEquals(T0.getNano(), info.getCreatedAt().getNanos());
        assertEquals("base", b.stat(StatSnapshotRequest.newBuilder().setKey("b").build()).getInfo().getParent());
    }

    @Test
    void eachBadRequestGetsItsStatusAndTheServiceKeepsServing() {
        var b = client.blocking();
        b.prepare(prepare("a", ""));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> b.prepare(prepare("", ""))));
        assertEquals(Status.Code.NOT_FOUND, code(() -> b.prepare(prepare("x", "no-such-parent"))));
        assertEquals(Status.Code.ALREADY_EXISTS, code(() -> b.prepare(prepare("a", ""))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> b.prepare(prepare("x", "a"))), "the parent is not committed");
        assertEquals(Status.Code.NOT_FOUND, code(() -> b.stat(StatSnapshotRequest.newBuilder().setKey("nope").build())));
        assertEquals(Status.Code.NOT_FOUND, code(() -> b.usage(UsageRequest.newBuilder().setKey("nope").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> b.update(UpdateSnapshotRequest.newBuilder()
                .setInfo(Info.newBuilder().setName("a")).setUpdateMask(FieldMask.newBuilder().addPaths("kind")).build())));
        b.commit(CommitSnapshotRequest.newBuilder().setKey("a").setName("c").build());
        b.prepare(prepare("child", "c"));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> b.mounts(MountsRequest.newBuilder().setKey("c").build())));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> b.remove(RemoveSnapshotRequest.newBuilder().setKey("c").build())));
        Iterator<ListSnapshotsResponse> bad = b.list(ListSnapshotsRequest.newBuilder().addFilters("name~=x").build());
        assertEquals(Status.Code.INVALID_ARGUMENT, code(bad::next));

        b.remove(RemoveSnapshotRequest.newBuilder().setKey("child").build());
        assertEquals(1, b.usage(UsageRequest.newBuilder().setKey("c").build()).getInodes(), "still serving: the empty root dir");
    }

    @Test
    void listPagesEverySnapshotAndFilters() {
        var b = client.blocking();
        int n = SnapshotsService.LIST_PAGE + 5;
        for (int i = 0; i < n; i++) {
            b.prepare(prepare("k" + i, ""));
        }
        List<ListSnapshotsResponse> pages = new ArrayList<>();
        b.list(ListSnapshotsRequest.getDefaultInstance()).forEachRemaining(pages::add);
        assertEquals(List.of(SnapshotsService.LIST_PAGE, 5), pages.stream().map(ListSnapshotsResponse::getInfoCount).toList());
        List<ListSnapshotsResponse> one = new ArrayList<>();
        b.list(ListSnapshotsRequest.newBuilder().addFilters("name==k7").build()).forEachRemaining(one::add);
        assertEquals("k7", one.get(0).getInfo(0).getName());
        assertEquals(1, one.stream().mapToInt(ListSnapshotsResponse::getInfoCount).sum());
    }

    @Test
    void aClientThatGoesAwayInTheMiddleOfAListLeavesTheServiceServingOthers() throws Exception {
        for (int i = 0; i < 3 * SnapshotsService.LIST_PAGE; i++) {
            snapshotter.prepare("k" + i, "", java.util.Map.of());
        }
        CountDownLatch firstPage = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        client.async().list(ListSnapshotsRequest.getDefaultInstance(), new ClientResponseObserver<ListSnapshotsRequest, ListSnapshotsResponse>() {
            ClientCallStreamObserver<ListSnapshotsRequest> call;

            @Override
            public void beforeStart(ClientCallStreamObserver<ListSnapshotsRequest> requestStream) {
                call = requestStream;
            }

            @Override
            public void onNext(ListSnapshotsResponse value) {
                firstPage.countDown();
                call.cancel("the peer goes away mid-stream", null);
            }

            @Override
            public void onError(Throwable t) {
                ended.countDown();
            }

            @Override
            public void onCompleted() {
                ended.countDown();
            }
        });
        assertTrue(firstPage.await(20, TimeUnit.SECONDS));
        assertTrue(ended.await(20, TimeUnit.SECONDS));
        try (SocketClient other = new SocketClient(server.socket())) {
            other.blocking().prepare(prepare("after", ""));
            assertEquals(Kind.ACTIVE, other.blocking().stat(StatSnapshotRequest.newBuilder().setKey("after").build()).getInfo().getKind());
        }
    }
}
