package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerId;
import org.layerswap.fs.common.MountTable;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.source.layout.OciLayoutSource;
import org.layerswap.source.oci.testing.LocalRegistry;
import org.layerswap.store.layers.FileLayerStore;
import org.layerswap.store.layers.StoreSettings;
import org.layerswap.testkit.Await;
import org.layerswap.containerd.proto.snapshots.Kind;
import org.layerswap.containerd.proto.snapshots.PrepareSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.RemoveSnapshotRequest;
import org.layerswap.containerd.proto.snapshots.StatSnapshotRequest;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The remote-snapshotter handshake with the real parts (root): LayerSwap's store holds the image's base layer
 * (fetched from the image's OCI layout), the catalog knows the image's diff ids, and a real containerd's
 * metadata layer receives the labelled Prepares. containerd 1.6's {@code ctr images pull} unpacks without the
 * {@code containerd.io/snapshot.ref} label (only the client's pull-time unpacker, as CRI uses it, sends it), so
 * this test sends the unpacker's Prepares itself to containerd's snapshots service, then lets {@code ctr} pull
 * and run the image: containerd finds the base committed and unpacks only the handler layer.
 */
class ContainerdHandshakeTest {

    static final String LEASE = "layerswap-test-unpack";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aLayerTheStoreHoldsIsCommittedFromItSoContainerdNeitherFetchesNorUnpacksIt() throws Exception {
        ContainerdProxySnapshotterTest.requireRoot();
        Path layout = dir.resolve("layout");
        List<OciLayoutWriter.LayerBlob> blobs = ContainerdProxySnapshotterTest.buildImage(layout);
        LayerId base = blobs.get(0).descriptor().id();
        LayerId handler = blobs.get(1).descriptor().id();
        List<String> diffIds = blobs.stream().map(OciLayoutWriter.LayerBlob::diffId).toList();
        ContainerdSettings settings = new ContainerdSettings(true, dir.resolve("ls.sock"), dir.resolve("snap"), false);
        LayerCatalog catalog = new LayerCatalog();
        catalog.register(List.of(base, handler), diffIds);

        OciLayoutSource source = new OciLayoutSource(layout);
        SnapshotterServer server = null;
        ContainerdHarness containerd = null;
        try (FileLayerStore store = new FileLayerStore(StoreSettings.of(dir.resolve("store"), 1L << 30), source);
             LocalRegistry registry = LocalRegistry.start(dir.resolve("registry"))) {
            ImageManifest image = source.resolve("fn:1");
            Path baseDir = store.fetch(image.repository(), image.layers().get(0), FetchPriority.ON_DEMAND).get(60, TimeUnit.SECONDS);
            registry.skopeoCopy(layout, "fn:1", "fn:1");
            String ref = registry.hostPort() + "/fn:1";
            server = SnapshotterServer.start(settings, Clock.systemUTC(), StoreLayers.of(store), catalog);
            containerd = ContainerdHarness.start(dir.resolve("cd"), settings.socket());

            List<String> chain = ChainIds.of(diffIds);
            containerd.ctr("leases", "create", "--id", LEASE); // the pull's lease: the unpacker works under one
            try (SocketClient client = new SocketClient(containerd.address())) {
                // as containerd's unpacker: Prepare each layer labelled with its chain id; the base is answered from the store
                StatusRuntimeException hit = assertThrows(StatusRuntimeException.class, () -> client.blocking(ContainerdHarness.NAMESPACE, LEASE)
                        .prepare(unpack("extract-1 " + chain.get(0), "", chain.get(0))));
                assertEquals(Status.Code.ALREADY_EXISTS, hit.getStatus().getCode(), hit.getMessage());
                assertEquals(Kind.COMMITTED, client.blocking(ContainerdHarness.NAMESPACE, LEASE).stat(StatSnapshotRequest.newBuilder()
                        .setSnapshotter("layerswap").setKey(chain.get(0)).build()).getInfo().getKind(), "containerd knows the chain id");
                // the handler is not in the store: an ordinary active snapshot, aborted as the unpacker would after a failure
                String key = "extract-2 " + chain.get(1);
                assertEquals("overlay", client.blocking(ContainerdHarness.NAMESPACE, LEASE).prepare(unpack(key, chain.get(0), chain.get(1)))
                        .getMounts(0).getType());
                client.blocking(ContainerdHarness.NAMESPACE, LEASE).remove(RemoveSnapshotRequest.newBuilder().setSnapshotter("layerswap")
                        .setKey(key).build());
            }
            assertEquals(new RemoteHandshake.Stats(1, 1), server.handshakes(), "the base from the store, the handler not held");

            String pulled = containerd.ctr("images", "pull", "--plain-http", "--print-chainid", "--snapshotter", "layerswap", ref);
            assertTrue(pulled.contains(chain.get(1)), "containerd's chain id is ours: " + chain + " in " + pulled);
            containerd.ctr("leases", "rm", LEASE); // the image now holds its snapshots

            Map<String, SnapshotInfo> byName = server.snapshotter().list(s -> true).stream()
                    .collect(Collectors.toMap(SnapshotInfo::name, s -> s));
            SnapshotInfo fromStore = byName.get(chain.get(0));
            assertTrue(fromStore != null, "committed under the chain id " + chain.get(0) + ": " + byName);
            assertEquals(base.digest(), fromStore.storeLayer(), "committed under the chain id, backed by the store layer: " + byName);
            SnapshotterServer first = server;
            Await.until(Duration.ofSeconds(30), () -> first.snapshotter().list(s -> true).size() == 2,
                    () -> "the aborted extraction snapshot is collected: " + first.snapshotter().list(s -> true));
            assertEquals(1, server.snapshotter().dirs().present().size(), "only the layer containerd unpacked has a directory of its own");

            String out = containerd.ctr("run", "--rm", "--snapshotter", "layerswap", ref, "hs-run-1");
            assertTrue(out.contains(ContainerdProxySnapshotterTest.GREETING), "the function ran over the store's layer: " + out);
            assertFalse(store.evict(base), "the store layer is pinned while its snapshot exists");

            String listed = containerd.ctr("snapshots", "--snapshotter", "layerswap", "ls");
            server.close();
            server = SnapshotterServer.start(settings, Clock.systemUTC(), StoreLayers.of(store), catalog);
            containerd.awaitProxy();
            assertEquals(listed, containerd.ctr("snapshots", "--snapshotter", "layerswap", "ls"));
            assertFalse(store.evict(base), "pinned again after the restart");
            String again = containerd.ctr("run", "--rm", "--snapshotter", "layerswap", ref, "hs-run-2");
            assertTrue(again.contains(ContainerdProxySnapshotterTest.GREETING), again);

            containerd.ctr("images", "rm", "--sync", ref);
            SnapshotterServer restarted = server;
            Await.until(Duration.ofSeconds(30), () -> restarted.snapshotter().list(s -> true).isEmpty(),
                    () -> "containerd's collection removes the image's snapshots: " + restarted.snapshotter().list(s -> true));
            assertTrue(store.evict(base), "the pin went with the snapshot");
            assertFalse(baseDir.toFile().exists(), "and the store evicted its layer");
            assertTrue(server.snapshotter().dirs().present().isEmpty(), "no snapshot directory left");
            assertEquals(0, MountTable.read().countUnder(dir), "nothing mounted under the test's directory");
        } finally {
            if (containerd != null) {
                containerd.close();
            }
            if (server != null) {
                server.close();
            }
            ContainerdProxySnapshotterTest.unmountLeftovers(dir);
        }
    }

    static PrepareSnapshotRequest unpack(String key, String parent, String chainId) {
        return PrepareSnapshotRequest.newBuilder().setSnapshotter("layerswap").setKey(key).setParent(parent)
                .putLabels(RemoteHandshake.TARGET, chainId).build();
    }
}
