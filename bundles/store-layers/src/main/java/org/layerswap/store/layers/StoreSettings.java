package org.layerswap.store.layers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link FileLayerStore}.
 *
 * @param root                    store directory (tmp/, blobs/, layers/, meta/ below it)
 * @param budgetBytes             disk budget for unpacked layers; eviction keeps usage under it
 * @param prefetchBytesPerSecond  bandwidth cap for PREFETCH downloads (token bucket); 0 = unlimited
 * @param workers                 concurrent downloads/unpacks
 * @param maxAttempts             attempts per download (each resumes where the last one stopped)
 * @param retryBackoff            first delay between attempts, doubled each time
 * @param limits                  what a layer tar may contain
 * @param keepBlobs               keep the compressed blob after unpacking
 * @param treeCheckInterval       how long a digest-tree check that found a layer intact vouches for it: an
 *                                {@code acquire} within it skips the check (the bounded detection window of
 *                                {@link FileLayerStore}); {@link Duration#ZERO} checks at every acquire; default 30 s
 */
public record StoreSettings(Path root, long budgetBytes, long prefetchBytesPerSecond, int workers, int maxAttempts,
                            Duration retryBackoff, UnpackLimits limits, boolean keepBlobs, Duration treeCheckInterval) {

    public static final Duration DEFAULT_TREE_CHECK_INTERVAL = Duration.ofSeconds(30);

    public StoreSettings {
        Objects.requireNonNull(root, "store root");
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("budgetBytes must be positive, got " + budgetBytes);
        }
        if (prefetchBytesPerSecond < 0) {
            throw new IllegalArgumentException("prefetchBytesPerSecond must be >= 0 (0 = unlimited), got " + prefetchBytesPerSecond);
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be in 1..64, got " + workers);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        retryBackoff = Objects.requireNonNullElse(retryBackoff, Duration.ofMillis(200));
        limits = Objects.requireNonNullElse(limits, UnpackLimits.DEFAULT);
        treeCheckInterval = Objects.requireNonNullElse(treeCheckInterval, DEFAULT_TREE_CHECK_INTERVAL);
        if (treeCheckInterval.isNegative()) {
            throw new IllegalArgumentException("treeCheckInterval must be >= 0 (0 = check at every acquire), got " + treeCheckInterval);
        }
    }

    public static StoreSettings of(Path root, long budgetBytes) {
        return new StoreSettings(root, budgetBytes, 0, 2, 4, Duration.ofMillis(200), UnpackLimits.DEFAULT, false, DEFAULT_TREE_CHECK_INTERVAL);
    }

    public StoreSettings withPrefetchBandwidth(long bytesPerSecond) {
        return new StoreSettings(root, budgetBytes, bytesPerSecond, workers, maxAttempts, retryBackoff, limits, keepBlobs, treeCheckInterval);
    }

    public StoreSettings withWorkers(int n) {
        return new StoreSettings(root, budgetBytes, prefetchBytesPerSecond, n, maxAttempts, retryBackoff, limits, keepBlobs, treeCheckInterval);
    }

    public StoreSettings withRetries(int attempts, Duration backoff) {
        return new StoreSettings(root, budgetBytes, prefetchBytesPerSecond, workers, attempts, backoff, limits, keepBlobs, treeCheckInterval);
    }

    public StoreSettings withLimits(UnpackLimits l) {
        return new StoreSettings(root, budgetBytes, prefetchBytesPerSecond, workers, maxAttempts, retryBackoff, l, keepBlobs, treeCheckInterval);
    }

    public StoreSettings withKeepBlobs(boolean keep) {
        return new StoreSettings(root, budgetBytes, prefetchBytesPerSecond, workers, maxAttempts, retryBackoff, limits, keep, treeCheckInterval);
    }

    public StoreSettings withTreeCheckInterval(Duration interval) {
        return new StoreSettings(root, budgetBytes, prefetchBytesPerSecond, workers, maxAttempts, retryBackoff, limits, keepBlobs,
                interval);
    }
}
