package org.layerswap.containerd.learning;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerStore;
import org.layerswap.containerd.LayerCatalog;
import org.layerswap.containerd.proto.events.Envelope;
import org.layerswap.containerd.proto.events.SubscribeRequest;
import org.layerswap.containerd.proto.leases.ListRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learning loop, assembled and running: a connection to containerd's socket, its event stream feeding
 * {@link LearningLoop}, and a timer that evaluates predictions every {@code evaluateIntervalMillis}, making the
 * predicted images ready ({@link PredictedSnapshots}: layer snapshots, then content and image records through
 * {@link PresentImages}) on one worker thread, and first releasing the registrations that lapsed. The image records
 * made present are listed in {@code recordsFile}; at start, those the previous run made whose prediction lapsed
 * meanwhile are deleted (on the worker, as its first task). {@link #storeListener()} must be registered
 * with the layer store (it deletes the lease of a registration whose layer the store lost).
 */
public final class ContainerdLearning implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerdLearning.class);

    /**
     * @param containerdSocket       containerd's own gRPC socket
     * @param snapshotter            the name containerd knows this proxy snapshotter by ({@code [proxy_plugins.<name>]})
     * @param functionLabel          the container label naming the function ("" = always the image name)
     * @param horizonMillis          an image is made ready when its function's next start is predicted within this
     * @param leaseTtlMillis         how long a registration's containerd lease keeps its snapshots from collection
     * @param evaluateIntervalMillis how often predictions are evaluated (0: never by itself, {@link #evaluateNow} only)
     * @param recordsFile            where the image records made present are listed ({@link CreatedRecords}; survives restarts)
     */
    public record Settings(Path containerdSocket, String snapshotter, String functionLabel, long horizonMillis, long leaseTtlMillis,
                           long evaluateIntervalMillis, Path recordsFile) {
        public Settings {
            containerdSocket = containerdSocket.toAbsolutePath().normalize();
            recordsFile = recordsFile.toAbsolutePath().normalize();
            if (snapshotter == null || snapshotter.isBlank()) {
                throw new IllegalArgumentException("the snapshotter name must not be blank");
            }
            if (horizonMillis <= 0 || leaseTtlMillis <= 0 || evaluateIntervalMillis < 0) {
                throw new IllegalArgumentException("horizon and lease ttl must be positive, the evaluation interval not negative: "
                        + horizonMillis + ", " + leaseTtlMillis + ", " + evaluateIntervalMillis);
            }
        }
    }

    private final ContainerdConnection connection;
    private final ScheduledExecutorService worker;
    /** Image resolution through the layer sources, off the event stream's thread (a source may retry for long). */
    private final java.util.concurrent.ExecutorService resolver;
    private final PredictedSnapshots predicted;
    private final PresentImages present;
    private final LearningLoop loop;
    private final ImageBook images;
    private final EventStream stream;

    private ContainerdLearning(Settings s, BehavioralProfiler profiler, LayerStore store, Supplier<List<LayerSource>> sources,
                               LayerCatalog catalog) {
        connection = new ContainerdConnection(s.containerdSocket());
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "layerswap-containerd-predict");
            t.setDaemon(true);
            return t;
        });
        images = new ImageBook(sources, catalog);
        present = new PresentImages(new GrpcImageRegistry(connection), s.snapshotter(), images::documents,
                CreatedRecords.open(s.recordsFile()));
        predicted = new PredictedSnapshots(store, new GrpcSnapshotRegistry(connection, s.snapshotter()), present, System::currentTimeMillis,
                s.leaseTtlMillis(), worker);
        resolver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "layerswap-containerd-images");
            t.setDaemon(true);
            return t;
        });
        loop = new LearningLoop(new InvocationMapper(connection, s.functionLabel(), 4096), images, profiler, predicted,
                new EventCounters(), s.horizonMillis(), System::currentTimeMillis, resolver);
        stream = new EventStream(new EventStream.Source() {
            @Override
            public void probe() {
                connection.leases("default").list(ListRequest.getDefaultInstance());
            }

            @Override
            public Iterator<Envelope> subscribe(List<String> filters) {
                return connection.events().subscribe(SubscribeRequest.newBuilder().addAllFilters(filters).build());
            }
        }, loop, Thread::sleep, 200, 10_000);
    }

    public static ContainerdLearning start(Settings s, BehavioralProfiler profiler, LayerStore store, Supplier<List<LayerSource>> sources,
                                           LayerCatalog catalog) {
        ContainerdLearning l = new ContainerdLearning(s, profiler, store, sources, catalog);
        l.worker.execute(l::expireQuietly); // records of the previous run whose prediction lapsed meanwhile go now
        l.stream.start();
        if (s.evaluateIntervalMillis() > 0) {
            l.worker.scheduleWithFixedDelay(l::evaluateQuietly, s.evaluateIntervalMillis(), s.evaluateIntervalMillis(), TimeUnit.MILLISECONDS);
        }
        LOG.info("learning from containerd's events on {}", s.containerdSocket());
        return l;
    }

    private void expireQuietly() {
        try {
            predicted.expire();
        } catch (RuntimeException e) {
            LOG.warn("releasing lapsed containerd predictions failed: {}", e.toString());
        }
    }

    private void evaluateQuietly() {
        try {
            predicted.expire();
            loop.evaluate();
        } catch (RuntimeException e) {
            LOG.warn("evaluating containerd predictions failed: {}", e.toString());
        }
    }

    /** Evaluates predictions now; the futures complete when each image started is ready (true) or failed (false). */
    public List<java.util.concurrent.CompletableFuture<Boolean>> evaluateNow() {
        return loop.evaluate();
    }

    public boolean connected() {
        return stream.connected();
    }

    /** Event subscriptions opened again after the first (containerd restarted or was unreachable). */
    public long reconnects() {
        return stream.reconnects();
    }

    public EventCounters.Counts events() {
        return loop.counts();
    }

    public PredictedSnapshots predicted() {
        return predicted;
    }

    /** The image records made present in containerd and not deleted yet (this run's and the previous runs'). */
    public List<CreatedRecords.Record> imageRecords() {
        return present.records();
    }

    public ImageBook images() {
        return images;
    }

    public org.layerswap.api.LayerStoreListener storeListener() {
        return predicted;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stream.close();
        } finally {
            worker.shutdownNow();
            resolver.shutdownNow();
            worker.awaitTermination(5, TimeUnit.SECONDS);
            resolver.awaitTermination(5, TimeUnit.SECONDS);
            connection.close();
        }
    }
}
