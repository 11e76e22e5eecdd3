package org.layerswap.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.ImageConfig;
import org.layerswap.api.LayerId;
import org.layerswap.containerd.learning.ContainerdConnection;
import org.layerswap.containerd.learning.GrpcImageRegistry;
import org.layerswap.containerd.learning.GrpcSnapshotRegistry;
import org.layerswap.containerd.learning.ImageBook;
import org.layerswap.containerd.learning.KnownImage;
import org.layerswap.containerd.learning.PredictedSnapshots;
import org.layerswap.containerd.learning.PresentImages;
import org.layerswap.demo.images.SampleImages;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.oci.format.OciManifests;
import org.layerswap.source.layout.OciLayoutSource;
import org.layerswap.source.oci.testing.FaultProxy;
import org.layerswap.source.oci.testing.LinkProxy;
import org.layerswap.source.oci.testing.LocalRegistry;
import org.layerswap.store.layers.FileLayerStore;
import org.layerswap.store.layers.StoreSettings;
import org.layerswap.testkit.Await;

/**
 * The parts of the containerd start benchmark ({@link ContainerdStartBench}), all real (root): a loopback
 * docker-registry behind a {@link LinkProxy} (downloads paced to a bandwidth) and a {@link FaultProxy} (recording
 * every request containerd makes; it injects no fault here), a containerd with LayerSwap's proxy snapshotter and its
 * CRI plugin on (unpacking into LayerSwap's snapshotter; {@link CriClient}), LayerSwap's store fed from the image's
 * OCI layout, and an image of busybox-static + an incompressible filler layer + a handler printing {@link #MARKER}.
 * Each mode measures one start, from "start requested" to the function's first output line, and leaves containerd,
 * the proxy and the store as it found them (no image, no snapshot, no layer resident), so modes and rounds can be
 * interleaved.
 *
 * <p>About 560 lines: the ten modes share the rig's parts (registry, proxies, store, containerd, the readiness
 * checks), so they stay in one class rather than passing those parts around.
 *
 * <p>Each mode checks that it measured what it says (a pull that moved no bytes over the link, or a predicted start
 * that did, fails the round): the figures can only come from the path named.
 */
final class ContainerdStartRig implements AutoCloseable {

    static final String MARKER = "bench function started";
    /** The image as the layout and the registry name it (the learning loop resolves containerd's name without its host). */
    static final String REPOSITORY = "fn";
    static final String PAUSE = "pause";

    /** What a start has to do before the function runs. */
    enum Mode {
        OVERLAYFS_PULL("containerd overlayfs: pull + unpack + run"),
        LAYERSWAP_PULL("LayerSwap snapshotter, store empty: pull + unpack + run"),
        LAYERSWAP_PREDICTED("LayerSwap, predicted (prefetched + registered ahead): metadata + run"),
        LAYERSWAP_PREDICTED_CRI("LayerSwap, predicted (prefetched + registered ahead): CRI pull + run"),
        LAYERSWAP_PREDICTED_PRESENT("LayerSwap, predicted present (snapshots + content + image record ahead): run"),
        PRESENT("image already present (overlayfs): run"),
        CRI_POD_PULL("CRI pod start, LayerSwap snapshotter, store empty: sandbox + pull + unpack + create + start"),
        CRI_POD_PREDICTED("CRI pod start, LayerSwap predicted (prefetched + registered ahead): sandbox + pull + create + start"),
        CRI_POD_PREDICTED_PRESENT("CRI pod start, LayerSwap predicted present (snapshots + content + image records ahead): sandbox + "
                + "image status + create + start"),
        CRI_POD_PRESENT("CRI pod start, image already present (unpacked by LayerSwap's snapshotter): sandbox + create + start");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /**
     * One start: {@code totalMs} from the request to the function's first output line, split into {@code fetchMs}
     * (the pull, or the metadata import of a predicted start; 0 when present) and {@code runMs} (the rest: {@code ctr
     * run}, or a pod's sandbox, create and start, to the first output line); {@code linkBytes} carried from the
     * registry during the start, {@code layerGets} requests for a layer's blob it made; {@code readyMs} the prefetch and
     * registration done ahead of a predicted start (off its path; 0 for the others).
     */
    record Sample(Mode mode, double totalMs, double fetchMs, double runMs, long linkBytes, long layerGets, double readyMs) {
    }

    private final Path dir;
    private final Path layout;
    private final List<OciLayoutWriter.LayerBlob> blobs;
    private final LocalRegistry registry;
    private final LinkProxy link;
    private final FaultProxy requests;
    /** The layers' digests as the registry serves them (skopeo stores the uncompressed filler gzipped: not the layout's). */
    private final List<String> servedLayers;
    private final CriClient cri;
    private final FileLayerStore store;
    private final LayerCatalog catalog = new LayerCatalog();
    private final ImageBook book;
    private final SnapshotterServer server;
    private final ContainerdHarness containerd;
    private final Path socket;
    private final ContainerdConnection connection;
    private final String ref;
    private final String pauseRef;
    private final Path metadata;
    private final String importedName;
    private final Resources resources;
    private int runs;

    private ContainerdStartRig(Path dir, long fillerBytes, Resources r) throws Exception {
        this.dir = dir;
        this.resources = r;
        this.layout = dir.resolve("layout");
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        OciLayoutWriter.LayerBlob base = SampleImages.base(w);
        OciLayoutWriter.LayerBlob filler = SampleImages.filler(w, "opt/runtime", fillerBytes, 7, false);
        OciLayoutWriter.LayerBlob handler = w.addLayer(true, t -> t.file("fn/handler.sh", 0755,
                ("echo \"" + MARKER + "\"\n").getBytes(StandardCharsets.UTF_8)));
        this.blobs = List.of(base, filler, handler);
        w.addImage("fn:1", blobs, new ImageConfig(List.of("/bin/sh", "/fn/handler.sh"), List.of(), List.of("PATH=/bin"), "/fn"));
        // the pods' sandbox (pause) image, a layout of its own: busybox as "sleep" in a layer no chain of fn:1 shares
        byte[] busybox = java.nio.file.Files.readAllBytes(SampleImages.staticBusybox());
        OciLayoutWriter pw = OciLayoutWriter.create(dir.resolve("pause-layout"));
        pw.addImage(PAUSE + ":1", List.of(pw.addLayer(true, t -> t.file("pause/sleep", 0755, busybox))),
                new ImageConfig(List.of("/pause/sleep", "1000000"), List.of(), List.of(), "/"));
        OciLayoutSource source = new OciLayoutSource(layout);
        this.registry = r.add(LocalRegistry.start(dir.resolve("registry")));
        registry.skopeoCopy(layout, "fn:1", REPOSITORY + ":1");
        registry.skopeoCopy(dir.resolve("pause-layout"), PAUSE + ":1", PAUSE + ":1");
        this.servedLayers = servedLayers(registry.url() + "/v2/" + REPOSITORY + "/manifests/1");
        this.link = r.add(new LinkProxy(registry.port()));
        this.requests = r.add(new FaultProxy(link.url()));
        String host = requests.url().substring("http://".length());
        this.ref = host + "/" + REPOSITORY + ":1";
        this.pauseRef = host + "/" + PAUSE + ":1";
        this.store = r.add(new FileLayerStore(StoreSettings.of(dir.resolve("store"), 4L << 30), source));
        this.book = new ImageBook(() -> List.of(source), catalog);
        ContainerdSettings settings = new ContainerdSettings(true, dir.resolve("ls.sock"), dir.resolve("snap"), false);
        this.socket = settings.socket();
        this.server = r.add(SnapshotterServer.start(settings, Clock.systemUTC(), StoreLayers.of(store), catalog));
        this.containerd = r.add(ContainerdHarness.start(dir.resolve("cd"), settings.socket(),
                ContainerdHarness.criPlugin("layerswap", host, dir.resolve("cni"), pauseRef), false));
        this.cri = r.add(new CriClient(containerd.address()));
        cri.awaitReady(Duration.ofSeconds(60));
        this.connection = r.add(new ContainerdConnection(containerd.address()));
        this.metadata = ContainerdLearningTest.metadataOnly(layout, "fn:1", dir.resolve("meta.tar"));
        // the name containerd gives the imported metadata (from the archive's ref annotation), learnt once, unpacking nothing
        containerd.ctr("images", "import", "--no-unpack", metadata.toString());
        this.importedName = containerd.ctr("images", "ls", "-q").lines().filter(n -> !n.isBlank()).findFirst()
                .orElseThrow(() -> new IllegalStateException("ctr images import named no image"));
        removeImage(importedName, false);
    }

    private static List<String> servedLayers(String manifestUrl) throws IOException, InterruptedException {
        java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(manifestUrl)).header("Accept", "application/vnd.oci.image.manifest.v1+json, "
                        + "application/vnd.docker.distribution.manifest.v2+json").build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(manifestUrl + " answered " + r.statusCode());
        }
        return OciManifests.parseManifest(r.body()).layers().stream().map(l -> l.id().digest()).toList();
    }

    /** Starts the parts under {@code dir} with a filler layer of {@code fillerBytes}; the link is unthrottled until {@link #throttle}. */
    static ContainerdStartRig start(Path dir, long fillerBytes) throws Exception {
        ContainerdProxySnapshotterTest.requireRoot();
        Resources r = new Resources();
        try {
            return new ContainerdStartRig(dir, fillerBytes, r);
        } catch (Exception | Error e) {
            r.closeAll(dir);
            throw e;
        }
    }

    /** The registry link's download bandwidth, bytes/s (0: unlimited). */
    void throttle(long bytesPerSecond) {
        link.throttle(bytesPerSecond);
    }

    /** The image's bytes as the registry serves them (the layers' blobs). */
    long imageBytes() {
        return blobs.stream().mapToLong(b -> b.descriptor().sizeBytes()).sum();
    }

    /** LayerSwap's snapshots socket (containerd's proxy plugin dials it). */
    Path socket() {
        return socket;
    }

    SnapshotterServer server() {
        return server;
    }

    Sample measure(Mode mode) throws Exception {
        return switch (mode) {
            case OVERLAYFS_PULL -> pullAndRun(mode, "overlayfs");
            case LAYERSWAP_PULL -> pullAndRun(mode, "layerswap");
            case LAYERSWAP_PREDICTED -> predicted();
            case LAYERSWAP_PREDICTED_CRI -> predictedThroughCri();
            case LAYERSWAP_PREDICTED_PRESENT -> predictedPresent();
            case PRESENT -> present();
            case CRI_POD_PULL, CRI_POD_PREDICTED, CRI_POD_PREDICTED_PRESENT, CRI_POD_PRESENT -> podStart(mode);
        };
    }

    private Sample pullAndRun(Mode mode, String snapshotter) throws Exception {
        long before = link.downloadedBytes();
        int seen = requests.seen().size();
        ContainerdHarness.Timed pull = containerd.ctrTimed(MARKER, "images", "pull", "--plain-http", "--snapshotter", snapshotter, ref);
        ContainerdHarness.Timed run = run(ContainerdHarness.NAMESPACE, snapshotter, ref);
        long moved = link.downloadedBytes() - before;
        long layerGets = layerGets(seen);
        removeImage(ref, snapshotter.equals("layerswap"));
        if (moved < imageBytes()) {
            throw new IllegalStateException(mode + ": the pull moved " + moved + " bytes over the link, less than the image's "
                    + imageBytes() + " (was content left from an earlier round?)");
        }
        return new Sample(mode, pull.toExitMs() + run.toMarkerMs(), pull.toExitMs(), run.toMarkerMs(), moved, layerGets, 0);
    }

    /**
     * As the learning loop does for a predicted function (its {@link PredictedSnapshots}): the image's layers are
     * prefetched into the store and registered in containerd under a lease (each Prepare a handshake hit). Then the
     * start: the image's metadata (ctr 1.6 has no lazy pull, so an import of its index, manifest and config) and run.
     */
    private Sample predicted() throws Exception {
        Ahead ahead = readyAhead(ContainerdHarness.NAMESPACE);
        long before = link.downloadedBytes();
        int seen = requests.seen().size();
        ContainerdHarness.Timed imported = containerd.ctrTimed(MARKER, "images", "import", "--snapshotter", "layerswap", metadata.toString());
        ContainerdHarness.Timed run = run(ContainerdHarness.NAMESPACE, "layerswap", importedName);
        long moved = link.downloadedBytes() - before;
        long layerGets = layerGets(seen);
        String content = containerd.ctr("content", "ls", "-q");
        removeImage(importedName, false);
        ahead.release();
        if (moved != 0) {
            throw new IllegalStateException("a predicted start moved " + moved + " bytes over the registry link");
        }
        checkNoLayer(Mode.LAYERSWAP_PREDICTED, content, layerGets);
        return new Sample(Mode.LAYERSWAP_PREDICTED, imported.toExitMs() + run.toMarkerMs(), imported.toExitMs(), run.toMarkerMs(), moved,
                layerGets, ahead.readyMs);
    }

    /**
     * The predicted image made <em>present</em> ahead as the learning loop does (snapshots, then config, manifest and
     * image record through {@link PresentImages}); the start is {@code ctr run} of it alone: no pull, no import, and no
     * request of any kind to the registry.
     */
    private Sample predictedPresent() throws Exception {
        Ahead ahead = readyAhead(ContainerdHarness.NAMESPACE, true);
        long before = link.downloadedBytes();
        int seen = requests.seen().size();
        ContainerdHarness.Timed run = run(ContainerdHarness.NAMESPACE, "layerswap", ref);
        long moved = link.downloadedBytes() - before;
        List<FaultProxy.Seen> sent = requests.seen().subList(seen, requests.seen().size());
        ahead.release();
        if (!sent.isEmpty()) {
            throw new IllegalStateException("the start of a present image sent " + sent.size() + " requests to the registry: " + sent);
        }
        return new Sample(Mode.LAYERSWAP_PREDICTED_PRESENT, run.toMarkerMs(), 0, run.toMarkerMs(), moved, 0, ahead.readyMs);
    }

    /**
     * The predicted image made ready in CRI's namespace as the learning loop does (the namespace a function last ran
     * in), then the start a Kubernetes node makes: CRI {@code PullImage} from this process (containerd resolves the
     * manifest and fetches it and the config from the registry; its unpacker's labelled Prepare of each layer finds
     * the registered chain, so no layer blob is requested), then {@code ctr run} of the pulled image.
     */
    private Sample predictedThroughCri() throws Exception {
        Ahead ahead = readyAhead(CriClient.NAMESPACE);
        long before = link.downloadedBytes();
        int seen = requests.seen().size();
        long t0 = System.nanoTime();
        String imageId = cri.pull(ref);
        double pullMs = (System.nanoTime() - t0) / 1e6;
        ContainerdHarness.Timed run = run(CriClient.NAMESPACE, "layerswap", ref);
        long moved = link.downloadedBytes() - before;
        long layerGets = layerGets(seen);
        String content = containerd.ctrIn(CriClient.NAMESPACE, "content", "ls", "-q");
        cri.remove(imageId);
        Await.until(Duration.ofSeconds(60), () -> contentIn(CriClient.NAMESPACE).isEmpty(),
                () -> "containerd collects the CRI image's content: " + contentIn(CriClient.NAMESPACE));
        ahead.release();
        checkNoLayer(Mode.LAYERSWAP_PREDICTED_CRI, content, layerGets);
        if (moved >= blobs.get(0).descriptor().sizeBytes()) {
            throw new IllegalStateException("a predicted start through CRI moved " + moved
                    + " bytes over the link: more than its manifest and config");
        }
        return new Sample(Mode.LAYERSWAP_PREDICTED_CRI, pullMs + run.toMarkerMs(), pullMs, run.toMarkerMs(), moved, layerGets, ahead.readyMs);
    }

    /**
     * A start as the kubelet makes it, all through CRI from this process: {@code RunPodSandbox} (host network; its pause
     * image pulled before), {@code PullImage} (not for {@link Mode#CRI_POD_PRESENT}, pulled before), {@code
     * CreateContainer} + {@code StartContainer}, timed to the marker in the container's log file (CRI's log format,
     * polled every millisecond). Then the pod, both images and (predicted) the registration go.
     */
    private Sample podStart(Mode mode) throws Exception {
        boolean presentAhead = mode == Mode.CRI_POD_PREDICTED_PRESENT;
        Ahead ahead = mode == Mode.CRI_POD_PREDICTED || presentAhead ? readyAhead(CriClient.NAMESPACE, presentAhead) : null;
        String pauseId = cri.pull(pauseRef);
        String present = mode == Mode.CRI_POD_PRESENT ? cri.pull(ref) : null;
        String name = "bench-" + ++runs;
        Path logs = java.nio.file.Files.createDirectories(dir.resolve("pods").resolve(name));
        var pod = CriClient.hostNetworkPod(name, logs);
        long before = link.downloadedBytes();
        int seen = requests.seen().size();
        long t0 = System.nanoTime();
        String sandbox = cri.runPodSandbox(pod);
        String imageId = present;
        double pullMs = 0;
        if (present == null) {
            long p0 = System.nanoTime();
            // the kubelet with IfNotPresent: ImageStatus, and a pull only when CRI does not have the image
            imageId = presentAhead ? cri.imageStatus(ref) : cri.pull(ref);
            pullMs = (System.nanoTime() - p0) / 1e6;
            if (imageId.isEmpty()) {
                throw new IllegalStateException(mode + ": CRI does not have the image made present ahead");
            }
        }
        cri.createAndStart(sandbox, pod, "fn", ref, "fn.log");
        Path log = logs.resolve("fn.log");
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (!(java.nio.file.Files.exists(log) && java.nio.file.Files.readString(log).contains(MARKER))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(mode + ": the function printed no marker within 60 s: " + log);
            }
            Thread.sleep(1);
        }
        double totalMs = (System.nanoTime() - t0) / 1e6;
        long moved = link.downloadedBytes() - before;
        long layerGets = layerGets(seen);
        String content = containerd.ctrIn(CriClient.NAMESPACE, "content", "ls", "-q");
        List<FaultProxy.Seen> sent = requests.seen().subList(seen, requests.seen().size());
        cri.removePod(sandbox);
        if (!presentAhead) {
            cri.remove(imageId);
        }
        cri.remove(pauseId);
        if (ahead != null) {
            ahead.release(); // a present image's records go here (they are LayerSwap's), then its lease
        }
        Await.until(Duration.ofSeconds(60), () -> contentIn(CriClient.NAMESPACE).isEmpty(),
                () -> "containerd collects the CRI images' content: " + contentIn(CriClient.NAMESPACE));
        if (presentAhead && !sent.isEmpty()) {
            throw new IllegalStateException(mode + ": the start of a present image sent " + sent.size() + " requests to the registry: " + sent);
        }
        if (ahead != null) {
            checkNoLayer(mode, content, layerGets);
        } else {
            awaitNoProxySnapshots();
            long want = mode == Mode.CRI_POD_PULL ? servedLayers.size() : 0;
            if (layerGets != want) {
                throw new IllegalStateException(mode + ": " + layerGets + " layer blob requests, want " + want);
            }
        }
        return new Sample(mode, totalMs, pullMs, totalMs - pullMs, moved, layerGets, ahead == null ? 0 : ahead.readyMs);
    }

    /**
     * The handshake at a CRI pull itself (no registration ahead): the store holds the image's layers but containerd
     * knows none of them, so the CRI plugin's unpacker prepares each layer (labelled with its chain id and its digest),
     * the proxy commits it from the store and answers ALREADY_EXISTS, and no layer blob is requested. Returns the
     * handshake hits the pull made; leaves no image, snapshot or resident layer behind.
     */
    long criPullFromStore() throws Exception {
        KnownImage image = book.learn(ref).orElseThrow(() -> new IllegalStateException("the layout source does not resolve " + ref));
        for (org.layerswap.api.LayerDescriptor l : image.layers()) {
            store.fetch(image.repository(), l, org.layerswap.api.FetchPriority.PREFETCH).get(300, TimeUnit.SECONDS);
        }
        long hits = server.handshakes().hits();
        int seen = requests.seen().size();
        String imageId = cri.pull(ref);
        long made = server.handshakes().hits() - hits;
        long layerGets = layerGets(seen);
        String content = containerd.ctrIn(CriClient.NAMESPACE, "content", "ls", "-q");
        cri.remove(imageId);
        Await.until(Duration.ofSeconds(60), () -> contentIn(CriClient.NAMESPACE).isEmpty(),
                () -> "containerd collects the CRI image's content: " + contentIn(CriClient.NAMESPACE));
        awaitNoProxySnapshots();
        for (LayerId id : image.layerIds()) {
            if (!store.evict(id)) {
                throw new IllegalStateException("store layer " + id + " is still pinned after its snapshot was collected");
            }
        }
        checkNoLayer("a CRI pull of layers the store holds", content, layerGets);
        return made;
    }

    /**
     * What a predicted start found ready: the registration's lease, the image made present (null: snapshots only), how
     * long making it ready took.
     */
    private final class Ahead {
        private final KnownImage image;
        private final String namespace;
        private final String lease;
        private final PresentImages present;
        private final double readyMs;

        Ahead(KnownImage image, String namespace, String lease, PresentImages present, double readyMs) {
            this.image = image;
            this.namespace = namespace;
            this.lease = lease;
            this.present = present;
            this.readyMs = readyMs;
        }

        /**
         * Deletes the image records made present, then drops the registration's lease; containerd collects content and
         * snapshots, which unpins the store's layers: evicted.
         */
        void release() {
            if (present != null) {
                present.release(namespace, image);
            }
            // synchronously: containerd collects at once what the lease held (its own schedule would wait)
            connection.leases(namespace).delete(org.layerswap.containerd.proto.leases.DeleteRequest.newBuilder().setId(lease)
                    .setSync(true).build());
            awaitNoProxySnapshots();
            for (LayerId id : image.layerIds()) {
                if (!store.evict(id)) {
                    throw new IllegalStateException("store layer " + id + " is still pinned after its snapshot was collected");
                }
            }
        }
    }

    private Ahead readyAhead(String namespace) throws Exception {
        return readyAhead(namespace, false);
    }

    /**
     * As the learning loop does for a predicted function (its {@link PredictedSnapshots}): the image's layers are
     * prefetched into the store and registered in containerd's {@code namespace} under a lease, each Prepare a
     * handshake hit; with {@code present} also its config, manifest and image record(s) ({@link PresentImages}, the
     * documents read through the layout source), checked with {@code ctr images ls}, and under CRI until CRI's
     * {@code ImageStatus} knows it (CRI learns images from containerd's events).
     */
    private Ahead readyAhead(String namespace, boolean present) throws Exception {
        KnownImage image = book.learn(ref).orElseThrow(() -> new IllegalStateException("the layout source does not resolve " + ref));
        GrpcSnapshotRegistry grpc = new GrpcSnapshotRegistry(connection, "layerswap");
        PresentImages images = present ? new PresentImages(new GrpcImageRegistry(connection), "layerswap", book::documents) : null;
        PredictedSnapshots predicted = new PredictedSnapshots(store, grpc, images, System::currentTimeMillis, 3_600_000, Runnable::run);
        long hits = server.handshakes().hits();
        long r0 = System.nanoTime();
        if (!predicted.ensure(namespace, image).get(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the predicted image was not registered: " + predicted.counts());
        }
        double readyMs = (System.nanoTime() - r0) / 1e6;
        if (server.handshakes().hits() - hits != blobs.size()) {
            throw new IllegalStateException("expected " + blobs.size() + " handshake hits, got " + (server.handshakes().hits() - hits));
        }
        if (present) {
            if (predicted.counts().failures() != 0 || !containerd.ctrIn(namespace, "images", "ls", "-q").lines().toList().contains(ref)) {
                throw new IllegalStateException("the predicted image was not made present in " + namespace + ": " + predicted.counts()
                        + ", images " + containerd.ctrIn(namespace, "images", "ls", "-q"));
            }
            if (namespace.equals(CriClient.NAMESPACE)) {
                Await.until(Duration.ofSeconds(30), () -> !cri.imageStatus(ref).isEmpty(), () -> "CRI learns the image made present");
            }
            readyMs = (System.nanoTime() - r0) / 1e6;
        }
        return new Ahead(image, namespace, predicted.registrations().get(0).lease(), images, readyMs);
    }

    /** Requests for one of the image's layer blobs among those the registry was sent after the {@code from}th. */
    private long layerGets(int from) {
        List<FaultProxy.Seen> seen = requests.seen();
        return seen.subList(from, seen.size()).stream().filter(q -> q.method().equals("GET")
                && servedLayers.stream().anyMatch(d -> q.path().endsWith("/blobs/" + d))).count();
    }

    private void checkNoLayer(Object mode, String content, long layerGets) {
        if (layerGets != 0) {
            throw new IllegalStateException(mode + ": a predicted start requested " + layerGets + " layer blobs from the registry");
        }
        for (String d : servedLayers) {
            if (content.contains(d)) {
                throw new IllegalStateException(mode + ": a predicted start got layer blob " + d + " into containerd");
            }
        }
    }

    private String contentIn(String namespace) {
        try {
            return containerd.ctrIn(namespace, "content", "ls", "-q").strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Sample present() throws Exception {
        containerd.ctr("images", "pull", "--plain-http", "--snapshotter", "overlayfs", ref);
        long before = link.downloadedBytes();
        int seen = requests.seen().size();
        ContainerdHarness.Timed run = run(ContainerdHarness.NAMESPACE, "overlayfs", ref);
        long moved = link.downloadedBytes() - before;
        long layerGets = layerGets(seen);
        removeImage(ref, false);
        return new Sample(Mode.PRESENT, run.toMarkerMs(), 0, run.toMarkerMs(), moved, layerGets, 0);
    }

    private ContainerdHarness.Timed run(String namespace, String snapshotter, String image) throws Exception {
        ContainerdHarness.Timed run = containerd.ctrTimedIn(namespace, MARKER, "run", "--rm", "--snapshotter", snapshotter, image,
                "bench-" + ++runs);
        if (run.toMarkerMs() < 0) {
            throw new IllegalStateException("the function did not print its marker: " + run.output());
        }
        return run;
    }

    /** Removes the image; containerd collects its content and snapshots at once (--sync, gc after every deletion). */
    private void removeImage(String name, boolean awaitProxy) throws Exception {
        containerd.ctr("images", "rm", "--sync", name);
        String left = containerd.ctr("content", "ls", "-q").strip();
        if (!left.isEmpty()) {
            throw new IllegalStateException("containerd kept content after removing " + name + ": " + left);
        }
        if (awaitProxy) {
            awaitNoProxySnapshots();
        }
    }

    private void awaitNoProxySnapshots() {
        Await.until(Duration.ofSeconds(60), () -> server.snapshotter().list(s -> true).isEmpty(),
                () -> "containerd collects the proxy's snapshots: " + server.snapshotter().list(s -> true));
    }

    @Override
    public void close() throws Exception {
        resources.closeAll(dir);
    }

    /** What the rig opened, closed in reverse order; then anything left mounted under the directory is unmounted. */
    private static final class Resources {
        private final java.util.ArrayDeque<AutoCloseable> open = new java.util.ArrayDeque<>();

        <T extends AutoCloseable> T add(T resource) {
            open.push(resource);
            return resource;
        }

        void closeAll(Path dir) throws IOException, InterruptedException {
            while (!open.isEmpty()) {
                try {
                    open.pop().close();
                } catch (Exception e) {
                    System.err.println("closing the containerd bench rig: " + e);
                }
            }
            ContainerdProxySnapshotterTest.unmountLeftovers(dir);
        }
    }
}
