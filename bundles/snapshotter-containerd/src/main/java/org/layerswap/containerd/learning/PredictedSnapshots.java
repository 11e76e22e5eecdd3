package org.layerswap.containerd.learning;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predicted images made ready in containerd: their layers are prefetched into LayerSwap's store, then registered as
 * committed snapshots in the namespace through containerd ({@link SnapshotRegistry#commitByRef}, base first: each
 * Prepare is answered from the store by the remote-snapshotter handshake), all under one containerd lease per image
 * and namespace. The next start of the image then finds its chain committed and neither fetches nor unpacks it.
 *
 * <p>Store pins: each layer is fetched with {@link LayerStore#fetchAndAcquire}, so it is pinned from the moment it is
 * resident until its registration is over; no eviction falls between the fetch and the handshake's own store lease
 * (which the committed snapshot keeps). Invariant: every pin this class takes is closed exactly once, when the
 * registration succeeded, failed (a fetch, containerd, the executor) or {@link #ensure}'s future was cancelled
 * (fetches still running are cancelled then, which gives their claims back); a registration never ends with a pin
 * of its own left.
 *
 * <p>Garbage collection: the lease keeps the registered snapshots from containerd's collector; it expires after
 * {@code leaseTtlMillis} (containerd's {@value SnapshotRegistry#EXPIRE_LABEL}), so what LayerSwap stops predicting is
 * collected (unless an image holds it), which unpins the store layers so the store may evict them. A registration
 * older than half the ttl is renewed under a new lease when predicted again. When the store loses one of the layers
 * anyway ({@link #layerRemoved}: quarantined), the lease is deleted at once. With {@link PresentImages}, each registered
 * image is also made present (content and image records, under the same lease); its records are deleted when the
 * registration lapses ({@link #expire}) or a layer is lost, and those a previous run made (listed by
 * {@link CreatedRecords}) once their time has passed ({@link #expire} too). Thread-safe; containerd is called on
 * {@code executor}.
 */
public final class PredictedSnapshots implements LayerStoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(PredictedSnapshots.class);
    static final String KEY_PREFIX = "layerswap-predicted ";

    /** A registered image: its namespace, the lease holding its snapshots, when. */
    public record Registration(String namespace, String lease, KnownImage image, long atMillis) {
    }

    /** Images registered (renewals count again), layer snapshots registered, attempts that failed. */
    public record Counts(long images, long layers, long failures) {
    }

    private final LayerStore store;
    private final SnapshotRegistry registry;
    private final PresentImages present;
    private final LongSupplier clock;
    private final long leaseTtlMillis;
    private final Executor executor;
    private final Map<String, Registration> registrations = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong images = new AtomicLong();
    private final AtomicLong layers = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    public PredictedSnapshots(LayerStore store, SnapshotRegistry registry, LongSupplier clock, long leaseTtlMillis, Executor executor) {
        this(store, registry, null, clock, leaseTtlMillis, executor);
    }

    /** With {@code present} (may be null: snapshots only), which makes each registered image present in containerd too. */
    public PredictedSnapshots(LayerStore store, SnapshotRegistry registry, PresentImages present, LongSupplier clock, long leaseTtlMillis,
                              Executor executor) {
        if (leaseTtlMillis <= 0) {
            throw new IllegalArgumentException("lease ttl must be positive, got " + leaseTtlMillis + " ms");
        }
        this.store = store;
        this.registry = registry;
        this.present = present;
        this.clock = clock;
        this.leaseTtlMillis = leaseTtlMillis;
        this.executor = executor;
    }

    /**
     * Makes {@code image} ready in {@code namespace} unless it was registered less than half a ttl ago or is under way:
     * completes true when it was registered now, false when nothing was to do or it failed (counted, logged).
     */
    public CompletableFuture<Boolean> ensure(String namespace, KnownImage image) {
        String key = key(namespace, image);
        Registration r = registrations.get(key);
        if (r != null && clock.getAsLong() - r.atMillis() < leaseTtlMillis / 2) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        List<CompletableFuture<LayerLease>> pins = image.layers().stream()
                .map(l -> store.fetchAndAcquire(image.repository(), l, FetchPriority.PREFETCH)).toList();
        mine.whenComplete((ok, e) -> {
            if (mine.isCancelled()) { // the store gives back the claims of fetches still running
                pins.forEach(p -> p.cancel(false));
            }
        });
        CompletableFuture.allOf(pins.toArray(CompletableFuture[]::new)).thenApplyAsync(v -> register(namespace, image), executor)
                .whenComplete((ok, e) -> {
                    unpin(pins); // registered or failed: the snapshots (if any) hold their own store leases now
                    inFlight.remove(key, mine);
                    if (e != null) {
                        failures.incrementAndGet();
                        LOG.warn("cannot make image {} ready in containerd namespace {}: {}", image.containerdName(), namespace,
                                e.toString());
                    }
                    mine.complete(e == null && ok);
                });
        return mine;
    }

    /** Closes the store lease of each fetch that delivered one (all have completed: {@code allOf} waits for every one). */
    private static void unpin(List<CompletableFuture<LayerLease>> pins) {
        for (CompletableFuture<LayerLease> p : pins) {
            if (p.isDone() && !p.isCompletedExceptionally()) {
                try {
                    p.join().close();
                } catch (RuntimeException e) {
                    LOG.warn("cannot give back the store lease on a predicted layer: {}", e.toString());
                }
            }
        }
    }

    private boolean register(String namespace, KnownImage image) {
        long now = clock.getAsLong();
        List<String> chain = image.chainIds();
        String lease = "layerswap-predicted-" + chain.get(chain.size() - 1).substring("sha256:".length(), "sha256:".length() + 16)
                + "-" + now / 1000;
        registry.createLease(namespace, lease, Instant.ofEpochMilli(now + leaseTtlMillis));
        String parent = "";
        for (String chainId : chain) {
            if (!registry.commitByRef(namespace, lease, KEY_PREFIX + chainId, parent, chainId)) {
                registry.deleteLease(namespace, lease);
                throw new IllegalStateException("containerd did not find layer " + chainId + " committed (is the proxy snapshotter "
                        + "serving from LayerSwap's store?)");
            }
            parent = chainId;
        }
        if (present != null) {
            try {
                present.make(namespace, lease, image, now + leaseTtlMillis);
            } catch (LayerSourceException | RuntimeException e) { // the snapshots stay useful: a pull finds them
                failures.incrementAndGet();
                LOG.warn("image {}: layer snapshots registered in containerd namespace {}, but the image could not be made present: {}",
                        image.containerdName(), namespace, e.toString());
            }
        }
        Registration previous = registrations.put(key(namespace, image), new Registration(namespace, lease, image, now));
        images.incrementAndGet();
        layers.addAndGet(chain.size());
        LOG.info("image {} ready in containerd namespace {}: {} layer snapshots under lease {}{}", image.containerdName(), namespace,
                chain.size(), lease, previous == null ? "" : " (renewing " + previous.lease() + ")");
        return true;
    }

    /** The store lost a layer: the leases of the registrations over it (and the image records made present) go at once. */
    @Override
    public void layerRemoved(LayerId id) {
        registrations.values().removeIf(r -> {
            if (!r.image().layerIds().contains(id)) {
                return false;
            }
            executor.execute(() -> {
                release(r);
                try {
                    registry.deleteLease(r.namespace(), r.lease());
                } catch (RuntimeException e) {
                    LOG.warn("cannot delete containerd lease {} in {}: {}", r.lease(), r.namespace(), e.toString());
                }
            });
            return true;
        });
    }

    /**
     * Forgets the registrations whose lease has expired (not renewed within the ttl) and deletes the image records made
     * present for them (containerd's collector then takes what the expired lease held), then any other record whose
     * prediction lapsed ({@link PresentImages#lapse}: one made before a restart, or a delete to try again). Returns how
     * many registrations lapsed.
     */
    public int expire() {
        long now = clock.getAsLong();
        List<Registration> lapsed = registrations.values().stream().filter(r -> now - r.atMillis() >= leaseTtlMillis).toList();
        for (Registration r : lapsed) {
            if (registrations.remove(key(r.namespace(), r.image()), r)) {
                release(r);
            }
        }
        if (present != null) {
            present.lapse(now);
        }
        return lapsed.size();
    }

    private void release(Registration r) {
        if (present != null) {
            present.release(r.namespace(), r.image());
        }
    }

    public List<Registration> registrations() {
        return List.copyOf(registrations.values());
    }

    public Counts counts() {
        return new Counts(images.get(), layers.get(), failures.get());
    }

    private static String key(String namespace, KnownImage image) {
        return namespace + "\n" + image.containerdName();
    }
}
