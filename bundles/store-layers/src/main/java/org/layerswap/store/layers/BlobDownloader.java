package org.layerswap.store.layers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one layer blob into the store's {@code blobs/}: streams it to a {@code .part} file in
 * {@code tmp/}, hashing as it goes, and commits it only when the digest matches (a mismatch, or more
 * bytes than the descriptor declares, never enters the store). A cut connection is retried up to
 * {@code maxAttempts} times with a doubling back-off, each attempt resuming at the first byte not yet
 * written (HTTP Range on registries). PREFETCH bytes go through the token bucket; a PREFETCH whose
 * {@link Download#preempt} flag is set stops after the current chunk with its partial file and digest
 * state kept, to be continued by a later {@link #download} call of the same {@link Download}.
 */
final class BlobDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(BlobDownloader.class);
    private static final int CHUNK = 64 * 1024;

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * The resumable state of one blob download. One worker at a time runs it; {@link #priority} and
     * {@link #preempt} may be changed by other threads while it runs (upgrade, pause request).
     */
    static class Download {
        final String repository;
        final LayerDescriptor layer;
        final long seq;
        final AtomicBoolean preempt = new AtomicBoolean();
        volatile FetchPriority priority;
        private Path part;
        private MessageDigest digest;
        private long done;
        /** The partial file was kept from before the last start (not hashed by this process as it was written). */
        private boolean fromKept;

        Download(String repository, LayerDescriptor layer, FetchPriority priority, long seq) {
            this.repository = repository;
            this.layer = layer;
            this.priority = priority;
            this.seq = seq;
        }

        /** Bytes downloaded and kept so far (0 before the first and after a committed download). */
        long bytesDone() {
            return part == null ? 0 : done;
        }

        /** Drops the partial file, if any; the next download starts from byte 0. */
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
    }

    private final LayerSource source;
    private final StoreLayout layout;
    private final StoreSettings config;
    private final TokenBucket prefetchBucket;
    private final BooleanSupplier closing;
    private final Sleeper sleeper;

    private final AtomicLong bytesPulled = new AtomicLong();
    private final AtomicLong verifyFailures = new AtomicLong();
    private final AtomicLong preemptions = new AtomicLong();
    private final AtomicLong resumes = new AtomicLong();
    private final AtomicLong keptResumes = new AtomicLong();

    /**
     * @param config  {@code maxAttempts} and {@code retryBackoff} are used
     * @param closing true once the store closes: a running download stops with InterruptedException
     */
    BlobDownloader(LayerSource source, StoreLayout layout, StoreSettings config, TokenBucket prefetchBucket, BooleanSupplier closing) {
        this(source, layout, config, prefetchBucket, closing, d -> TimeUnit.MILLISECONDS.sleep(d.toMillis()));
    }

    BlobDownloader(LayerSource source, StoreLayout layout, StoreSettings config, TokenBucket prefetchBucket, BooleanSupplier closing,
                   Sleeper sleeper) {
        this.source = source;
        this.layout = layout;
        this.config = config;
        this.prefetchBucket = prefetchBucket;
        this.closing = closing;
        this.sleeper = sleeper;
    }

    /**
     * Downloads (or continues) {@code d} and commits the verified blob at {@code layout.blobFile(id)}.
     *
     * @return true when committed, false when paused for an on-demand fetch (partial state kept)
     * @throws LayerFetchException  on a digest mismatch or an oversized blob (partial state dropped), or
     *                              after {@code maxAttempts} failed attempts (partial state kept: the caller drops it)
     * @throws LayerSourceException a non-retryable source error
     * @throws InterruptedException when the store closes or the thread is interrupted
     */
    boolean download(Download d) throws Exception {
        LayerId id = d.layer.id();
        long expected = d.layer.sizeBytes();
        if (d.part == null) {
            d.part = layout.partFile(id, d.seq);
            d.digest = MessageDigest.getInstance(id.algorithm().equals("sha512") ? "SHA-512" : "SHA-256");
            d.done = 0;
            d.fromKept = false;
            Files.deleteIfExists(d.part);
            if (!takeKeptPartial(d, expected)) {
                Files.createFile(d.part);
            }
        }
        int failures = 0;
        Duration backoff = config.retryBackoff();
        byte[] buf = new byte[CHUNK];
        while (true) {
            if (d.done > 0) {
                resumes.incrementAndGet();
            }
            try (InputStream in = source.openBlob(d.repository, d.layer, d.done);
                 FileChannel out = FileChannel.open(d.part, StandardOpenOption.WRITE)) {
                out.position(d.done);
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (d.done + n > expected) {
                        verifyFailures.incrementAndGet();
                        throw new LayerFetchException(describe(d) + ": blob is larger than the " + expected
                                + " bytes its descriptor declares; refused");
                    }
                    if (d.priority == FetchPriority.PREFETCH) {
                        prefetchBucket.acquire(n);
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    d.digest.update(buf, 0, n);
                    d.done += n;
                    bytesPulled.addAndGet(n);
                    if (Thread.currentThread().isInterrupted() || closing.getAsBoolean()) {
                        throw new InterruptedException("layer store closing");
                    }
                    // a pause only where bytes are left: one with every byte in would resume by opening the source at
                    // its end (a pipe-like source then blocks for ever, a registry answers a Range past the last byte)
                    if (d.priority == FetchPriority.PREFETCH && d.done < expected && d.preempt.compareAndSet(true, false)) {
                        out.force(false);
                        preemptions.incrementAndGet();
                        LOG.debug("prefetch of {} paused at {} of {} bytes for an on-demand fetch", id, d.done, expected);
                        return false;
                    }
                }
                if (d.done < expected) {
                    throw new IOException("blob ended after " + d.done + " of " + expected + " bytes");
                }
                out.force(true);
                break;
            } catch (LayerSourceException e) {
                if (!e.retryable() || ++failures >= config.maxAttempts()) {
                    throw e;
                }
                LOG.info("layer {}: {}; retrying from byte {} in {} ms", id, e.getMessage(), d.done, backoff.toMillis());
            } catch (IOException e) {
                if (e instanceof LayerFetchException) {
                    throw e;
                }
                if (++failures >= config.maxAttempts()) {
                    throw new LayerFetchException(describe(d) + ": download failed " + failures + " times, last at byte " + d.done
                            + " of " + expected + ": " + e.getMessage(), e);
                }
                LOG.info("layer {}: download interrupted at byte {} of {} ({}); resuming in {} ms", id, d.done, expected, e.getMessage(),
                        backoff.toMillis());
            }
            sleeper.sleep(backoff);
            backoff = backoff.multipliedBy(2);
        }
        String got = id.algorithm() + ":" + HexFormat.of().formatHex(d.digest.digest());
        if (!got.equals(id.digest()) && d.fromKept) {
            // the kept bytes were not what this process wrote (e.g. a power loss lost pages): start over once
            LOG.warn("layer {}: the download continued from before the restart hashes to {}; downloading it again from byte 0", id, got);
            d.discardPartial();
            return download(d);
        }
        if (!got.equals(id.digest())) {
            verifyFailures.incrementAndGet();
            d.discardPartial();
            throw new LayerFetchException(describe(d) + ": digest mismatch, content hashes to " + got + "; refused (not stored)");
        }
        layout.commitBlob(d.part, id);
        d.part = null;
        return true;
    }

    /**
     * Continues from the partial download of this layer kept from before the last start ({@link StoreLayout#keptPartial}):
     * moves it to {@code d.part} and hashes its bytes; false when there is none (or it is longer than the blob).
     */
    private boolean takeKeptPartial(Download d, long expected) throws IOException {
        Path kept = layout.keptPartial(d.layer.id());
        if (!Files.isRegularFile(kept)) {
            return false;
        }
        long size = Files.size(kept);
        if (size == 0 || size > expected) {
            Files.deleteIfExists(kept);
            return false;
        }
        Files.move(kept, d.part, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (InputStream in = Files.newInputStream(d.part)) {
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.digest.update(buf, 0, n);
            }
        }
        d.done = size;
        d.fromKept = true;
        keptResumes.incrementAndGet();
        LOG.info("layer {}: continuing the download kept from before the restart at byte {} of {}", d.layer.id(), size, expected);
        return true;
    }

    /** Downloads continued from a partial blob kept from before the last start (stop or crash). */
    long keptResumes() {
        return keptResumes.get();
    }

    private String describe(Download d) {
        return "layer " + d.layer.id() + " from " + source.name() + " repository " + d.repository;
    }

    /** Blob bytes received (each byte once: a resumed download does not fetch its start again). */
    long bytesPulled() {
        return bytesPulled.get();
    }

    /** Blobs refused: digest mismatch or larger than declared. */
    long verifyFailures() {
        return verifyFailures.get();
    }

    /** Prefetch downloads paused for an on-demand fetch. */
    long preemptions() {
        return preemptions.get();
    }

    /** Downloads continued from a byte offset (after a cut connection or a pause). */
    long resumes() {
        return resumes.get();
    }
}
