package org.layerswap.store.layers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.ResidentLayer;
import org.layerswap.fs.common.Trees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content-addressed layer store: plain Java, no OSGi types. Assembled from
 * <ul>
 * <li>{@link StoreLayout}: the directories under the root ({@code tmp/}, {@code blobs/}, {@code layers/},
 * {@code meta/}), commits by atomic rename, start-up recovery. A directory under {@code layers/}
 * therefore always holds a complete layer;</li>
 * <li>{@link FetchScheduler}: the priority queue and its {@code workers} threads: ON_DEMAND before
 * PREFETCH, one shared fetch per layer (an on-demand request upgrades a queued or running prefetch),
 * a running prefetch paused when an on-demand fetch would otherwise wait;</li>
 * <li>{@link BlobDownloader}: resumable, retried downloads, the digest verified while streaming (a
 * mismatch never enters the store), PREFETCH bytes through a {@link TokenBucket};</li>
 * <li>{@link TarUnpacker}: the unpack of a verified blob;</li>
 * <li>{@link LayerTree}: each committed layer's digest tree, recorded at commit from the digests the unpacker
 * computed while writing (no re-read), checked (one {@code lstat} per entry, files whose stamp moved hashed again) at
 * start-up and by {@link #acquire}: a layer found modified on disk is quarantined (out of the index and of
 * {@code layers/}) and refused, so the next fetch downloads and verifies it again.</li>
 * </ul>
 * <b>Tamper-detection invariant</b> ({@link StoreSettings#treeCheckInterval()} = {@code I}, on the injected monotonic
 * clock, kept per layer by a {@link CheckWindow}): {@code acquire} pins a layer only when a check that <i>started</i>
 * less than {@code I} ago found it intact (the commit's own scan, the start-up check, or an earlier acquire's check);
 * otherwise it checks inline first. So a
 * modification made at time {@code t} by any process is refused by every acquire that starts at or after
 * {@code t + I}; within that bounded window an acquire may still pin the modified layer. {@code I = 0} checks at every
 * acquire. The check costs ~7 µs per entry (tens of ms for a layer of thousands of files), which is why it is not
 * repeated on every enter.
 * What stays here is the index of resident layers with their leases, and the storage budget: it is
 * kept by evicting unreferenced layers, lowest prediction score first, then least recently used; a
 * prefetch never evicts a layer scored higher than itself.
 * <b>Fetch-and-acquire invariant</b> ({@link #fetchAndAcquire}, {@link AcquireOnFetch}): a layer claimed by a call is
 * never evicted (the claim is checked under the lock that every eviction takes), and the claim becomes the caller's
 * lease under that lock; so no other fetch's room-making takes the layer between its becoming resident and the caller
 * holding it. Every claim is given back on every other end of the call (failure, cancel, timeout, store closed).
 * <p>The index, the pins, the claims and the eviction share one lock here; fetching, unpacking, the digest tree, its
 * check window and the tamper check, the claims' bookkeeping and the on-disk layout are collaborators
 * ({@link BlobDownloader}, {@link TarUnpacker}, {@link LayerTree}, {@link CheckWindow}, {@link TamperGuard},
 * {@link AcquireOnFetch}, {@link StoreLayout}, {@link StoreEvents}).
 */
public final class FileLayerStore implements LayerStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileLayerStore.class);

    private final StoreSettings config;
    private final LayerSource source;
    private final TarUnpacker unpacker;
    private final TokenBucket prefetchBucket;
    private final StoreLayout layout;
    private final BlobDownloader downloader;
    private final FetchScheduler scheduler;
    private final StoreEvents events = new StoreEvents();
    /** The tamper check over {@link #resident} (quarantines under this store's lock). */
    private final TamperGuard guard;
    /** Monotonic nanoseconds, for the tree-check window. */
    private final LongSupplier nanoClock;

    private final Map<LayerId, Entry> resident = new ConcurrentHashMap<>();
    /** The claims of {@link #fetchAndAcquire} calls (under this store's lock): a claimed layer is not evicted. */
    private final AcquireOnFetch claims = new AcquireOnFetch(this, this::fetch, id -> pin(id, true));
    private volatile ToDoubleFunction<LayerId> scoreHint = id -> 0.0;
    /** A planner's eviction key (larger first), or null: the score-then-LRU order. */
    private volatile ToDoubleFunction<LayerId> evictionOrder;
    private volatile boolean closed;

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong unpackMillis = new AtomicLong();
    private final AtomicLong unpackedBytesTotal = new AtomicLong();

    /** Opens (creating if needed) a store at {@code config.root()}, cleaning leftovers of a previous run. */
    public FileLayerStore(StoreSettings config, LayerSource source) throws IOException {
        this(config, source, new TarUnpacker(config.limits()));
    }

    public FileLayerStore(StoreSettings config, LayerSource source, TarUnpacker unpacker) throws IOException {
        this(config, source, unpacker, System::nanoTime);
    }

    /** {@code nanoClock}: monotonic nanoseconds measuring the {@link StoreSettings#treeCheckInterval()} window. */
    public FileLayerStore(StoreSettings config, LayerSource source, TarUnpacker unpacker, LongSupplier nanoClock) throws IOException {
        this.config = config;
        this.nanoClock = nanoClock;
        this.source = source;
        this.unpacker = unpacker;
        this.prefetchBucket = new TokenBucket(config.prefetchBytesPerSecond());
        this.layout = new StoreLayout(config.root());
        this.guard = new TamperGuard(layout, events, resident, this);
        for (StoreLayout.Recovered r : layout.recover()) {
            Entry e = new Entry(r.id(), r.dir(), r.sizeBytes(), r.unpackedBytes(), window());
            resident.put(r.id(), e);
            guard.recoverTree(e); // a layer modified while the store was down leaves the index again
        }
        if (!resident.isEmpty()) {
            LOG.info("layer store {}: {} layers resident after restart", config.root(), resident.size());
        }
        this.downloader = new BlobDownloader(source, layout, config, prefetchBucket, () -> closed);
        this.scheduler = new FetchScheduler(config.workers(), source.name(), this::score, id -> {
            Entry e = resident.get(id);
            return e == null ? null : e.path;
        }, this::materialise);
    }

    private CheckWindow window() {
        return new CheckWindow(config.treeCheckInterval(), nanoClock);
    }

    /** Prediction score per layer in [0,1], used to pick eviction victims; default: all 0 (pure LRU). */
    public void setScoreHint(ToDoubleFunction<LayerId> hint) {
        this.scoreHint = hint == null ? id -> 0.0 : hint;
    }

    /** See {@link LayerStore#setEvictionOrder}: a planner's key replaces the score order when set. */
    @Override
    public void setEvictionOrder(ToDoubleFunction<LayerId> key) {
        this.evictionOrder = key;
    }

    /** A planner's key for {@code id}; a failing or NaN key counts as "evict first" (the planner knows nothing of it). */
    private static double key(ToDoubleFunction<LayerId> order, LayerId id) {
        try {
            double k = order.applyAsDouble(id);
            return Double.isNaN(k) ? Double.POSITIVE_INFINITY : k;
        } catch (RuntimeException e) {
            return Double.POSITIVE_INFINITY;
        }
    }

    public void setPrefetchBandwidth(long bytesPerSecond) {
        prefetchBucket.setRate(bytesPerSecond);
    }

    public LayerSource source() {
        return source;
    }

    /** The store's listeners: told after a layer was committed and after one left (evicted or quarantined). */
    public StoreEvents events() {
        return events;
    }

    /** Prefetch downloads paused for an on-demand fetch so far. */
    public long preemptions() {
        return downloader.preemptions();
    }

    /** Downloads continued from a byte offset (after a cut connection or a pause). */
    public long resumes() {
        return downloader.resumes();
    }

    /** Downloads that continued a partial blob kept from before the last start (a stop or a crash cut them). */
    public long resumesAfterRestart() {
        return downloader.keptResumes();
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
        return scheduler.submit(repository, layer, priority);
    }

    /**
     * Pins a resident layer, first checking it against its digest tree (outside the store's lock: one {@code lstat}
     * per entry) unless a check started within the last {@link StoreSettings#treeCheckInterval()} found it intact
     * (the class invariant). A layer found modified is quarantined and refused with {@link IllegalStateException},
     * like one that is not resident: the next {@link #fetch} downloads and verifies it again.
     */
    @Override
    public LayerLease acquire(LayerId id) {
        return pin(id, false);
    }

    /**
     * Fetches and pins with no eviction in between (see {@link AcquireOnFetch}): the layer is claimed before the fetch
     * starts, and the claim becomes the lease under the store's lock; a claimed layer is never evicted (neither by room
     * making nor by {@link #evict}). Every failure, cancel or timeout of the returned future gives the claim back.
     */
    @Override
    public CompletableFuture<LayerLease> fetchAndAcquire(String repository, LayerDescriptor layer, FetchPriority priority) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("layer store is closed"));
        }
        return claims.start(repository, layer, priority);
    }

    /** Claims of {@link #fetchAndAcquire} calls still waiting for their layer (0 when none is under way: none leaked). */
    public int pendingClaims() {
        return claims.pending();
    }

    /** {@link #acquire}; {@code claimed}: also gives back one claim on {@code id} in the same step as the pin. */
    private LayerLease pin(LayerId id, boolean claimed) {
        Entry e = resident.get(id);
        if (e == null) {
            throw new IllegalStateException("layer " + id + " is not resident");
        }
        String modified = e.window.vouches() ? "" : guard.verify(e);
        if (!modified.isEmpty()) {
            throw new IllegalStateException("layer " + id + " was modified on disk (" + modified + "): it was quarantined and "
                    + "is downloaded and verified again on its next fetch");
        }
        synchronized (this) {
            if (resident.get(id) != e) {
                throw new IllegalStateException("layer " + id + " is not resident");
            }
            e.refs.incrementAndGet();
            if (claimed) {
                claims.pinned(id);
            }
            e.lastUsed = System.currentTimeMillis();
            return new Lease(e);
        }
    }

    /** Layers found modified on disk and quarantined since this store started (start-up check included). */
    public long quarantinedLayers() {
        return guard.quarantined();
    }

    @Override
    public boolean evict(LayerId id) {
        Entry e;
        synchronized (this) {
            e = resident.get(id);
            if (e == null || e.refs.get() > 0 || claims.holds(id)) {
                return false;
            }
            resident.remove(id);
        }
        try {
            layout.removeLayer(id, e.path);
        } catch (IOException ex) {
            LOG.warn("evicting layer {}: {}", id, ex.toString());
        }
        evictions.incrementAndGet();
        events.removed(id);
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
        return new LayerStoreStats(config.budgetBytes(), usedBytes(), downloader.bytesPulled(), hits.get(), misses.get(),
                evictions.get(), downloader.verifyFailures(), unpackMillis.get(), scheduler.queued());
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
        scheduler.close();
    }

    // ------------------------------------------------------------------ fetch

    /** Download (or reuse a committed blob), verify, unpack, commit. Null when paused. */
    private Path materialise(FetchScheduler.Task t) throws Exception {
        LayerId id = t.layer.id();
        Entry existing = resident.get(id);
        if (existing != null) {
            return existing.path;
        }
        makeRoom(t.layer.sizeBytes(), t.priority, score(id), null);
        Path blob = layout.blobFile(id);
        if (!Files.isRegularFile(blob) && !downloader.download(t)) {
            return null; // the scheduler re-queues it; the partial file and digest state stay for a Range resume
        }
        long t0 = System.nanoTime();
        Path work = layout.newUnpackDir(id);
        TarUnpacker.Result r;
        try (InputStream in = Files.newInputStream(blob)) {
            r = unpacker.unpack(in, work);
        } catch (IOException e) {
            Trees.deleteTree(work);
            if (e instanceof UnsafeLayerException) {
                Files.deleteIfExists(blob); // hostile content is not kept
            }
            throw new LayerFetchException("layer " + id + " could not be unpacked: " + e.getMessage(), e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        unpackMillis.addAndGet(ms);
        unpackedBytesTotal.addAndGet(r.regularBytes());
        layout.writeMeta(id, t.layer.sizeBytes(), r.diskBytes());
        Path committed = layout.commitLayer(work, id);
        if (!config.keepBlobs()) {
            Files.deleteIfExists(blob);
        }
        Entry e = new Entry(id, committed, t.layer.sizeBytes(), r.diskBytes(), window());
        long scanned = e.window.start();
        e.tree = LayerTree.scan(committed, r.fileDigests()); // after the rename (it moves the root's ctime); no re-read
        e.window.intact(scanned);
        e.tree.write(layout.treeFile(id), layout.tmp());
        resident.put(id, e);
        events.stored(id, t.layer.sizeBytes());
        LOG.debug("layer {} resident: {} entries, {} bytes, unpacked in {} ms", id, r.entries(), r.diskBytes(), ms);
        makeRoom(0, FetchPriority.ON_DEMAND, Double.NaN, id);
        return committed;
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
     * score, then least recently used; with a planner's {@link #setEvictionOrder} key, by largest key, then
     * least recently used. A PREFETCH only evicts layers scored below its own layer
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
                if (e.refs.get() == 0 && !e.id.equals(keep) && !claims.holds(e.id)) {
                    candidates.add(e);
                }
            }
        }
        ToDoubleFunction<LayerId> order = evictionOrder;
        if (order == null) {
            candidates.sort(Comparator.comparingDouble((Entry e) -> score(e.id)).thenComparingLong(e -> e.lastUsed));
        } else {
            // one eviction rule on the node: the swap manager's next-use order (largest key first)
            Map<LayerId, Double> keys = new HashMap<>();
            candidates.forEach(e -> keys.put(e.id, key(order, e.id)));
            candidates.sort(Comparator.comparingDouble((Entry e) -> -keys.get(e.id)).thenComparingLong(e -> e.lastUsed));
        }
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

    // ------------------------------------------------------------------ types

    /** One resident layer (package-private for {@link TamperGuard}). */
    static final class Entry {
        final LayerId id;
        final Path path;
        final long sizeBytes;
        final long unpackedBytes;
        final AtomicInteger refs = new AtomicInteger();
        volatile long lastUsed = System.currentTimeMillis();
        /** What is on disk must match (null: not checked). */
        volatile LayerTree tree;
        /** Whether a recent check still vouches for what is on disk. */
        final CheckWindow window;

        Entry(LayerId id, Path path, long sizeBytes, long unpackedBytes, CheckWindow window) {
            this.id = id;
            this.path = path;
            this.sizeBytes = sizeBytes;
            this.unpackedBytes = unpackedBytes;
            this.window = window;
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
