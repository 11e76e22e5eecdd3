package org.layerswap.store.layers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.ResidentLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content-addressed layer store: plain Java, no OSGi types.
 *
 * <p>Layout under the root: {@code tmp/} (downloads in progress and unpacks; wiped on start),
 * {@code blobs/<alg>/<hex>} (verified blobs, committed by atomic rename after fsync),
 * {@code layers/<alg>/<hex>/} (unpacked layers, committed by atomic rename), {@code meta/<alg>/<hex>.properties}.
 * A directory under {@code layers/} therefore always holds a complete layer.
 *
 * <p>Fetches go through a priority queue served by {@code workers} threads: ON_DEMAND before
 * PREFETCH, a running prefetch is paused (and later resumed with a Range request) when an
 * on-demand fetch would otherwise wait, PREFETCH bytes go through a token bucket, and concurrent
 * requests for one layer share one download (an on-demand request upgrades a queued or running
 * prefetch). Every blob's digest is verified while streaming; a mismatch never enters the store.
 * A storage budget is kept by evicting unreferenced layers, lowest prediction score first, then
 * least recently used; a prefetch never evicts a layer scored higher than itself.
 */
public final class FileLayerStore implements LayerStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileLayerStore.class);
    private static final int CHUNK = 64 * 1024;

    private final StoreConfig config;
    private final LayerSource source;
    private final TarUnpacker unpacker;
    private final TokenBucket prefetchBucket;
    private final Path tmp;
    private final Path blobs;
    private final Path layers;
    private final Path meta;

    private final Map<LayerId, Entry> resident = new ConcurrentHashMap<>();
    private final Map<LayerId, Task> inflight = new ConcurrentHashMap<>();
    private final PriorityBlockingQueue<Task> queue = new PriorityBlockingQueue<>();
    private final List<Task> running = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger idle = new AtomicInteger();
    private volatile boolean closed;
    private volatile ToDoubleFunction<LayerId> scoreHint = id -> 0.0;

    private final AtomicLong bytesPulled = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong verifyFailures = new AtomicLong();
    private final AtomicLong unpackMillis = new AtomicLong();
    private final AtomicLong unpackedBytesTotal = new AtomicLong();
    private final AtomicLong preemptions = new AtomicLong();
    private final AtomicLong resumes = new AtomicLong();

    /** Opens (creating if needed) a store at {@code config.root()}, cleaning leftovers of a previous run. */
    public FileLayerStore(StoreConfig config, LayerSource source) throws IOException {
        this(config, source, new TarUnpacker(config.limits()));
    }

    public FileLayerStore(StoreConfig config, LayerSource source, TarUnpacker unpacker) throws IOException {
        this.config = config;
        this.source = source;
        this.unpacker = unpacker;
        this.prefetchBucket = new TokenBucket(config.prefetchBytesPerSecond());
        Path root = config.root().toAbsolutePath();
        this.tmp = root.resolve("tmp");
        this.blobs = root.resolve("blobs");
        this.layers = root.resolve("layers");
        this.meta = root.resolve("meta");
        recover();
        for (int i = 0; i < config.workers(); i++) {
            Thread t = new Thread(this::workLoop, "layerswap-store-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Prediction score per layer in [0,1], used to pick eviction victims; default: all 0 (pure LRU). */
    public void setScoreHint(ToDoubleFunction<LayerId> hint) {
        this.scoreHint = hint == null ? id -> 0.0 : hint;
    }

    public void setPrefetchBandwidth(long bytesPerSecond) {
        prefetchBucket.setRate(bytesPerSecond);
    }

    public LayerSource source() {
        return source;
    }

    /** Prefetch downloads paused for an on-demand fetch so far. */
    public long preemptions() {
        return preemptions.get();
    }

    /** Downloads continued from a byte offset (after a cut connection or a pause). */
    public long resumes() {
        return resumes.get();
    }

    /** Total unpacked bytes written (for MB/s figures). */
    public long unpackedBytesTotal() {
        return unpackedBytesTotal.get();
    }

    // ------------------------------------------------------------------ LayerStore

    @Override
    public boolean isResident(LayerId id) {
        return resident.containsKey(id);
    }

    @Override
    public Optional<Path> path(LayerId id) {
        Entry e = resident.get(id);
        return e == null ? Optional.empty() : Optional.of(e.path);
    }

    @Override
    public CompletableFuture<Path> fetch(String repository, LayerDescriptor layer, FetchPriority priority) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("layer store is closed"));
        }
        LayerId id = layer.id();
        Entry e = resident.get(id);
        if (e != null) {
            e.lastUsed = System.currentTimeMillis();
            hits.incrementAndGet();
            return CompletableFuture.completedFuture(e.path);
        }
        misses.incrementAndGet();
        Task t;
        boolean preemptNeeded = false;
        synchronized (this) {
            e = resident.get(id);
            if (e != null) {
                return CompletableFuture.completedFuture(e.path);
            }
            t = inflight.get(id);
            if (t == null) {
                t = new Task(repository, layer, priority, seq.incrementAndGet());
                inflight.put(id, t);
                queue.add(t);
                preemptNeeded = priority == FetchPriority.ON_DEMAND;
            } else if (priority == FetchPriority.ON_DEMAND && t.priority == FetchPriority.PREFETCH) {
                // upgrade: re-sort if queued; if running it stops being throttled or preemptible
                boolean wasQueued = queue.remove(t);
                t.priority = FetchPriority.ON_DEMAND;
                t.preempt.set(false);
                if (wasQueued) {
                    queue.add(t);
                    preemptNeeded = true;
                }
            }
        }
        if (preemptNeeded) {
            maybePreempt();
        }
        // callers get their own future: cancelling it must not cancel the shared download
        return t.future.thenApply(p -> p);
    }

    @Override
    public synchronized LayerLease acquire(LayerId id) {
        Entry e = resident.get(id);
        if (e == null) {
            throw new IllegalStateException("layer " + id + " is not resident");
        }
        e.refs.incrementAndGet();
        e.lastUsed = System.currentTimeMillis();
        return new Lease(e);
    }

    @Override
    public boolean evict(LayerId id) {
        Entry e;
        synchronized (this) {
            e = resident.get(id);
            if (e == null || e.refs.get() > 0) {
                return false;
            }
            resident.remove(id);
        }
        try {
            Files.deleteIfExists(metaFile(id));
            Path doomed = tmp.resolve("evict-" + id.hex() + "-" + System.nanoTime());
            Files.move(e.path, doomed, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(doomed);
        } catch (IOException ex) {
            LOG.warn("evicting layer {}: {}", id, ex.toString());
        }
        evictions.incrementAndGet();
        LOG.debug("evicted layer {} ({} bytes)", id, e.unpackedBytes);
        return true;
    }

    @Override
    public List<ResidentLayer> resident() {
        List<ResidentLayer> out = new ArrayList<>();
        for (Entry e : resident.values()) {
            out.add(new ResidentLayer(e.id, e.path, e.sizeBytes, e.unpackedBytes, e.refs.get(), e.lastUsed));
        }
        out.sort(Comparator.comparing(ResidentLayer::id));
        return out;
    }

    @Override
    public LayerStoreStats stats() {
        return new LayerStoreStats(config.budgetBytes(), usedBytes(), bytesPulled.get(), hits.get(), misses.get(),
                evictions.get(), verifyFailures.get(), unpackMillis.get(), queue.size());
    }

    public long usedBytes() {
        long sum = 0;
        for (Entry e : resident.values()) {
            sum += e.unpackedBytes;
        }
        return sum;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Task t : inflight.values()) {
            t.future.completeExceptionally(new IllegalStateException("layer store closed before layer " + t.layer.id() + " was fetched"));
        }
        inflight.clear();
        queue.clear();
    }

    // ------------------------------------------------------------------ scheduling

    private void workLoop() {
        while (!closed) {
            Task t;
            try {
                idle.incrementAndGet();
                try {
                    t = queue.take();
                } finally {
                    idle.decrementAndGet();
                }
            } catch (InterruptedException e) {
                return;
            }
            synchronized (running) {
                running.add(t);
            }
            try {
                run(t);
            } finally {
                synchronized (running) {
                    running.remove(t);
                }
            }
        }
    }

    /** An on-demand fetch waits and no worker is idle: pause one running prefetch (the lowest scored). */
    private void maybePreempt() {
        if (idle.get() > 0) {
            return;
        }
        synchronized (running) {
            Task victim = null;
            for (Task r : running) {
                if (r.priority == FetchPriority.PREFETCH && !r.preempt.get()
                        && (victim == null || score(r.layer.id()) < score(victim.layer.id()))) {
                    victim = r;
                }
            }
            if (victim != null) {
                victim.preempt.set(true);
            }
        }
    }

    private void run(Task t) {
        LayerId id = t.layer.id();
        try {
            Path path = materialise(t);
            if (path == null) { // paused for an on-demand fetch: back in the queue, resumes later
                return;
            }
            synchronized (this) {
                inflight.remove(id);
            }
            t.future.complete(path);
        } catch (Throwable ex) {
            synchronized (this) {
                inflight.remove(id);
            }
            t.discardPartial();
            if (ex instanceof InterruptedException || closed) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("fetch of layer {} failed: {}", id, ex.getMessage());
            t.future.completeExceptionally(ex instanceof LayerFetchException ? ex
                    : new LayerFetchException("layer " + id + " from " + source.name() + " repository " + t.repository + ": " + ex.getMessage(), ex));
        }
    }

    /** Download (or reuse a committed blob), verify, unpack, commit. Null when paused. */
    private Path materialise(Task t) throws Exception {
        LayerId id = t.layer.id();
        Path committed = layerDir(id);
        Entry existing = resident.get(id);
        if (existing != null) {
            return existing.path;
        }
        makeRoom(t.layer.sizeBytes(), t.priority, score(id), null);
        Path blob = blobFile(id);
        if (!Files.isRegularFile(blob)) {
            if (!download(t)) {
                synchronized (this) {
                    t.queuedScore = score(id);
                    queue.add(t); // keep the partial file and digest state; resume with Range later
                }
                return null;
            }
        }
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory(tmp, "unpack-" + id.shortForm() + "-");
        TarUnpacker.Result r;
        try (InputStream in = Files.newInputStream(blob)) {
            r = unpacker.unpack(in, work);
        } catch (IOException e) {
            deleteTree(work);
            if (e instanceof UnsafeLayerException) {
                Files.deleteIfExists(blob); // hostile content is not kept
            }
            throw new LayerFetchException("layer " + id + " could not be unpacked: " + e.getMessage(), e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        unpackMillis.addAndGet(ms);
        unpackedBytesTotal.addAndGet(r.regularBytes());
        writeMeta(id, t.layer.sizeBytes(), r.diskBytes());
        Files.createDirectories(committed.getParent());
        Files.move(work, committed, StandardCopyOption.ATOMIC_MOVE);
        fsyncDir(committed.getParent());
        if (!config.keepBlobs()) {
            Files.deleteIfExists(blob);
        }
        Entry e = new Entry(id, committed, t.layer.sizeBytes(), r.diskBytes());
        resident.put(id, e);
        LOG.debug("layer {} resident: {} entries, {} bytes, unpacked in {} ms", id, r.entries(), r.diskBytes(), ms);
        makeRoom(0, FetchPriority.ON_DEMAND, Double.NaN, id);
        return committed;
    }

    /**
     * Streams the blob to {@code tmp/<hex>.part}, hashing as it goes; resumes from the bytes already
     * there after a failure or a pause. False when paused for an on-demand fetch.
     */
    private boolean download(Task t) throws Exception {
        LayerId id = t.layer.id();
        if (t.part == null) {
            t.part = tmp.resolve(id.hex() + "-" + t.seq + ".part");
            t.digest = MessageDigest.getInstance(id.algorithm().equals("sha512") ? "SHA-512" : "SHA-256");
            t.done = 0;
            Files.deleteIfExists(t.part);
            Files.createFile(t.part);
        }
        long expected = t.layer.sizeBytes();
        int failures = 0;
        Duration backoff = config.retryBackoff();
        byte[] buf = new byte[CHUNK];
        while (true) {
            if (t.done > 0) {
                resumes.incrementAndGet();
            }
            try (InputStream in = source.openBlob(t.repository, t.layer, t.done);
                 FileChannel out = FileChannel.open(t.part, StandardOpenOption.WRITE)) {
                out.position(t.done);
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (t.done + n > expected) {
                        verifyFailures.incrementAndGet();
                        throw new LayerFetchException("layer " + id + " from " + source.name() + " repository " + t.repository
                                + ": blob is larger than the " + expected + " bytes its descriptor declares; refused");
                    }
                    if (t.priority == FetchPriority.PREFETCH) {
                        prefetchBucket.acquire(n);
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    t.digest.update(buf, 0, n);
                    t.done += n;
                    bytesPulled.addAndGet(n);
                    if (Thread.currentThread().isInterrupted() || closed) {
                        throw new InterruptedException("layer store closing");
                    }
                    if (t.priority == FetchPriority.PREFETCH && t.preempt.compareAndSet(true, false)) {
                        out.force(false);
                        preemptions.incrementAndGet();
                        LOG.debug("prefetch of {} paused at {} of {} bytes for an on-demand fetch", id, t.done, expected);
                        return false;
                    }
                }
                if (t.done < expected) {
                    throw new IOException("blob ended after " + t.done + " of " + expected + " bytes");
                }
                out.force(true);
                break;
            } catch (LayerSourceException e) {
                if (!e.retryable() || ++failures >= config.maxAttempts()) {
                    throw e;
                }
                LOG.info("layer {}: {}; retrying from byte {} in {} ms", id, e.getMessage(), t.done, backoff.toMillis());
            } catch (IOException e) {
                if (e instanceof LayerFetchException) {
                    throw e;
                }
                if (++failures >= config.maxAttempts()) {
                    throw new LayerFetchException("layer " + id + " from " + source.name() + " repository " + t.repository
                            + ": download failed " + failures + " times, last at byte " + t.done + " of " + expected + ": " + e.getMessage(), e);
                }
                LOG.info("layer {}: download interrupted at byte {} of {} ({}); resuming in {} ms", id, t.done, expected, e.getMessage(),
                        backoff.toMillis());
            }
            TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2);
        }
        String got = id.algorithm() + ":" + HexFormat.of().formatHex(t.digest.digest());
        if (!got.equals(id.digest())) {
            verifyFailures.incrementAndGet();
            t.discardPartial();
            throw new LayerFetchException("layer " + id + " from " + source.name() + " repository " + t.repository
                    + ": digest mismatch, content hashes to " + got + "; refused (not stored)");
        }
        Path blob = blobFile(id);
        Files.createDirectories(blob.getParent());
        Files.move(t.part, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(blob.getParent());
        t.part = null;
        return true;
    }

    // ------------------------------------------------------------------ budget

    private double score(LayerId id) {
        try {
            double s = scoreHint.applyAsDouble(id);
            return Double.isNaN(s) ? 0.0 : s;
        } catch (RuntimeException e) {
            return 0.0;
        }
    }

    /**
     * Evicts until {@code need} more bytes fit in the budget. Unreferenced layers go first by lowest
     * score, then least recently used. A PREFETCH only evicts layers scored below its own layer
     * ({@code score}) and fails when it cannot make room; ON_DEMAND may exceed the budget rather than fail.
     */
    private void makeRoom(long need, FetchPriority priority, double score, LayerId keep) throws LayerFetchException {
        long budget = config.budgetBytes();
        if (usedBytes() + need <= budget) {
            return;
        }
        List<Entry> candidates;
        synchronized (this) {
            candidates = new ArrayList<>();
            for (Entry e : resident.values()) {
                if (e.refs.get() == 0 && !e.id.equals(keep)) {
                    candidates.add(e);
                }
            }
        }
        candidates.sort(Comparator.comparingDouble((Entry e) -> score(e.id)).thenComparingLong(e -> e.lastUsed));
        for (Entry e : candidates) {
            if (usedBytes() + need <= budget) {
                return;
            }
            if (priority == FetchPriority.PREFETCH && !(score(e.id) < score)) {
                break;
            }
            evict(e.id);
        }
        if (usedBytes() + need > budget) {
            if (priority == FetchPriority.PREFETCH) {
                throw new LayerFetchException("prefetch refused: budget " + budget + " bytes is full of layers in use or scored at least "
                        + score + " (used " + usedBytes() + ", need " + need + ")");
            }
            if (need > 0) {
                LOG.warn("on-demand fetch exceeds the layer budget: used {} + {} > {} (the rest is in use)", usedBytes(), need, budget);
            }
        }
    }

    // ------------------------------------------------------------------ disk layout and recovery

    private Path layerDir(LayerId id) {
        return layers.resolve(id.algorithm()).resolve(id.hex());
    }

    private Path blobFile(LayerId id) {
        return blobs.resolve(id.algorithm()).resolve(id.hex());
    }

    private Path metaFile(LayerId id) {
        return meta.resolve(id.algorithm()).resolve(id.hex() + ".properties");
    }

    private void writeMeta(LayerId id, long size, long unpacked) throws IOException {
        Properties p = new Properties();
        p.setProperty("sizeBytes", Long.toString(size));
        p.setProperty("unpackedBytes", Long.toString(unpacked));
        Path f = metaFile(id);
        Files.createDirectories(f.getParent());
        Path t = tmp.resolve(id.hex() + ".meta");
        try (var out = Files.newOutputStream(t)) {
            p.store(out, "layer " + id);
        }
        Files.move(t, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Wipes tmp/, drops metadata without a layer, and indexes the committed layers. */
    private void recover() throws IOException {
        if (Files.exists(tmp)) {
            deleteTree(tmp);
        }
        Files.createDirectories(tmp);
        Files.createDirectories(blobs);
        Files.createDirectories(layers);
        Files.createDirectories(meta);
        int n = 0;
        for (String alg : List.of("sha256", "sha512")) {
            Path dir = layers.resolve(alg);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    LayerId id;
                    try {
                        id = LayerId.of(alg + ":" + p.getFileName());
                    } catch (IllegalArgumentException e) {
                        LOG.warn("removing unexpected entry {} from the layer store", p);
                        deleteTree(p);
                        continue;
                    }
                    long size = 0;
                    long unpacked = -1;
                    Path mf = metaFile(id);
                    if (Files.isRegularFile(mf)) {
                        Properties props = new Properties();
                        try (var in = Files.newInputStream(mf)) {
                            props.load(in);
                            size = Long.parseLong(props.getProperty("sizeBytes", "0"));
                            unpacked = Long.parseLong(props.getProperty("unpackedBytes", "-1"));
                        } catch (IOException | NumberFormatException e) {
                            unpacked = -1;
                        }
                    }
                    if (unpacked < 0) {
                        unpacked = TarUnpacker.diskUsage(p);
                        writeMeta(id, size, unpacked);
                    }
                    resident.put(id, new Entry(id, p, size, unpacked));
                    n++;
                }
            }
            Path metaDir = meta.resolve(alg);
            if (Files.isDirectory(metaDir)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(metaDir)) {
                    for (Path m : ds) {
                        String hex = m.getFileName().toString().replace(".properties", "");
                        if (!Files.isDirectory(dir.resolve(hex))) {
                            Files.deleteIfExists(m);
                        }
                    }
                }
            }
        }
        if (n > 0) {
            LOG.info("layer store {}: {} layers resident after restart", config.root(), n);
        }
    }

    static void fsyncDir(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // some filesystems refuse fsync on directories; the rename is still atomic
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                // a directory unpacked read-only (mode 0555) must become writable to empty it
                dir.toFile().setWritable(true, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ------------------------------------------------------------------ types

    private static final class Entry {
        final LayerId id;
        final Path path;
        final long sizeBytes;
        final long unpackedBytes;
        final AtomicInteger refs = new AtomicInteger();
        volatile long lastUsed = System.currentTimeMillis();

        Entry(LayerId id, Path path, long sizeBytes, long unpackedBytes) {
            this.id = id;
            this.path = path;
            this.sizeBytes = sizeBytes;
            this.unpackedBytes = unpackedBytes;
        }
    }

    private final class Task implements Comparable<Task> {
        final String repository;
        final LayerDescriptor layer;
        final long seq;
        final CompletableFuture<Path> future = new CompletableFuture<>();
        final AtomicBoolean preempt = new AtomicBoolean();
        volatile FetchPriority priority;
        /** Score when (re-)queued: the queue's order must not change while a task sits in it. */
        volatile double queuedScore;
        Path part;
        MessageDigest digest;
        long done;

        Task(String repository, LayerDescriptor layer, FetchPriority priority, long seq) {
            this.repository = repository;
            this.layer = layer;
            this.priority = priority;
            this.seq = seq;
            this.queuedScore = score(layer.id());
        }

        void discardPartial() {
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                part = null;
            }
        }

        @Override
        public int compareTo(Task o) {
            int c = priority.compareTo(o.priority); // ON_DEMAND first
            if (c != 0) {
                return c;
            }
            if (priority == FetchPriority.PREFETCH) {
                c = Double.compare(o.queuedScore, queuedScore); // higher score first
                if (c != 0) {
                    return c;
                }
            }
            return Long.compare(seq, o.seq);
        }
    }

    private final class Lease implements LayerLease {
        private final Entry entry;
        private final AtomicBoolean closedLease = new AtomicBoolean();

        Lease(Entry entry) {
            this.entry = entry;
        }

        @Override
        public LayerId id() {
            return entry.id;
        }

        @Override
        public Path path() {
            return entry.path;
        }

        @Override
        public void close() {
            if (closedLease.compareAndSet(false, true)) {
                entry.refs.decrementAndGet();
                entry.lastUsed = System.currentTimeMillis();
            }
        }
    }
}
