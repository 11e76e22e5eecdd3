package org.layerswap.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a layer's verified blob present in this node's {@link BlobCache}, from a peer when one holds it, else from the
 * registry, with at most one registry pull per layer across the cluster:
 * <ol>
 * <li>every live holder in the {@link LayerDirectory} not tried yet is tried in turn; its bytes are verified by
 * {@link BlobCache#fill} (a mismatch is refused: {@code refused}, nothing kept; an error: {@code peerFailures});</li>
 * <li>with no holder left, the member that wins {@link LayerDirectory#tryClaimPull} pulls from the registry and
 * publishes; the others wait ({@code waits}) for the directory to change and go back to 1 (fetching from the member
 * that pulled), or claim it themselves when the claimant released it without publishing (its pull failed, it left);</li>
 * <li>a member that waited {@code peerWait} without progress pulls from the registry itself (liveness over the single
 * flight: a stuck claimant never blocks the cluster for longer than that).</li>
 * </ol>
 * A registry pull after a peer failed or refused counts as a {@code fallback}. Every blob committed here is published
 * ({@link LayerDirectory#add}) at once, before the store unpacks it, so waiters can start.
 * Invariant: only verified blobs enter the cache, so only verified blobs are published and served.
 */
public final class PeerFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(PeerFetcher.class);
    /** Longest single wait for a directory change (a missed wake-up costs at most this). */
    static final long WAIT_SLICE_MILLIS = 250;

    private final LayerDirectory directory;
    private final BlobCache cache;
    private final PeerClient client;
    private final TransferCounters counters;
    private final Duration peerWait;
    private final int attempts;
    private final LongSupplier nanoClock;

    public PeerFetcher(LayerDirectory directory, BlobCache cache, PeerClient client, TransferCounters counters, Duration peerWait,
                       int attempts, LongSupplier nanoClock) {
        this.directory = directory;
        this.cache = cache;
        this.client = client;
        this.counters = counters;
        this.peerWait = peerWait;
        this.attempts = attempts;
        this.nanoClock = nanoClock;
    }

    /** See the class comment; {@code registry} opens the blob at the registry from an offset. */
    public void ensure(LayerDescriptor layer, BlobCache.Opener registry) throws IOException, InterruptedException {
        LayerId id = layer.id();
        if (cache.has(id)) {
            return;
        }
        Set<String> tried = new HashSet<>();
        tried.add(directory.self());
        boolean peerTrouble = false;
        boolean waited = false;
        long deadline = nanoClock.getAsLong() + peerWait.toNanos();
        while (true) {
            for (Map.Entry<String, String> h : directory.holders(id).entrySet()) {
                if (!tried.add(h.getKey())) {
                    continue;
                }
                try {
                    cache.fill(layer, off -> client.open(h.getValue(), id, off), attempts);
                    counters.fetched.incrementAndGet();
                    directory.add(id);
                    LOG.debug("layer {} fetched from peer {}", id, h.getValue());
                    return;
                } catch (BlobCache.CorruptBlobException e) {
                    counters.refused.incrementAndGet();
                    peerTrouble = true;
                    LOG.warn("peer {} served a corrupted blob, refused: {}", h.getValue(), e.getMessage());
                } catch (IOException e) {
                    counters.peerFailures.incrementAndGet();
                    peerTrouble = true;
                    LOG.info("peer {} failed for {}: {}", h.getValue(), id, e.getMessage());
                }
            }
            boolean late = nanoClock.getAsLong() - deadline >= 0;
            if (late || directory.tryClaimPull(id)) {
                try {
                    if (!late && untried(id, tried)) {
                        continue; // a holder appeared while we claimed: take it from the peer instead (finally releases)
                    }
                    if (late) {
                        LOG.warn("layer {}: waited {} s for member {} to pull it; pulling it here", id, peerWait.toSeconds(),
                                directory.pullClaimant(id).orElse("?"));
                    }
                    cache.fill(layer, registry, attempts);
                    counters.registryPulls.incrementAndGet();
                    if (peerTrouble || late) {
                        counters.fallbacks.incrementAndGet();
                    }
                    directory.add(id);
                    return;
                } finally {
                    if (!late) {
                        directory.releasePull(id);
                    }
                }
            }
            if (!waited) {
                waited = true;
                counters.waits.incrementAndGet();
            }
            long left = (deadline - nanoClock.getAsLong()) / 1_000_000;
            directory.awaitChange(Math.max(1, Math.min(WAIT_SLICE_MILLIS, left)));
        }
    }

    private boolean untried(LayerId id, Set<String> tried) {
        return directory.holders(id).keySet().stream().anyMatch(u -> !tried.contains(u));
    }
}
