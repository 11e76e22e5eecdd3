package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;

class BlobDownloaderTest {

    @TempDir
    Path dir;

    final FakeSource fake = new FakeSource();
    final FlakySource flaky = new FlakySource();
    final List<Duration> slept = new CopyOnWriteArrayList<>();
    StoreLayout layout;

    @BeforeEach
    void setUp() throws IOException {
        layout = new StoreLayout(dir);
        layout.recover();
    }

    BlobDownloader downloader(LayerSource source, TokenBucket bucket, boolean[] closing) {
        return new BlobDownloader(source, layout, StoreSettings.of(dir, 1L << 30).withRetries(3, Duration.ofMillis(100)), bucket,
                () -> closing[0], slept::add);
    }

    BlobDownloader downloader(LayerSource source) {
        return downloader(source, new TokenBucket(0), new boolean[1]);
    }

    byte[] bytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    static BlobDownloader.Download download(LayerDescriptor l, FetchPriority p) {
        return new BlobDownloader.Download("repo/x", l, p, 1);
    }

    List<String> tmp() throws IOException {
        try (Stream<Path> s = Files.list(layout.tmp())) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    List<Long> offsets() {
        return fake.opens.stream().map(FakeSource.Open::offset).toList();
    }

    @Test
    void aVerifiedBlobIsCommittedAndItsPartFileRemoved() throws Exception {
        byte[] b = bytes(150_000);
        LayerDescriptor l = fake.add(b);
        BlobDownloader dl = downloader(fake);
        assertTrue(dl.download(download(l, FetchPriority.ON_DEMAND)));
        assertArrayEquals(b, Files.readAllBytes(layout.blobFile(l.id())));
        assertEquals(List.of(), tmp());
        assertEquals(150_000, dl.bytesPulled());
        assertEquals(List.of(0L), offsets());
        assertEquals(0, dl.resumes());
        assertEquals(List.of(), slept);
    }

    @Test
    void aDigestMismatchIsRefusedNamingLayerSourceAndRepositoryAndNothingIsKept() throws Exception {
        LayerDescriptor l = fake.add(bytes(50_000));
        fake.corruptNext.set(1);
        BlobDownloader dl = downloader(fake);
        BlobDownloader.Download d = download(l, FetchPriority.ON_DEMAND);
        LayerFetchException e = assertThrows(LayerFetchException.class, () -> dl.download(d));
        assertTrue(e.getMessage().contains("digest mismatch") && e.getMessage().contains(l.id().digest())
                && e.getMessage().contains("from fake repository repo/x"), e.getMessage());
        assertEquals(1, dl.verifyFailures());
        assertFalse(Files.exists(layout.blobFile(l.id())));
        assertEquals(List.of(), tmp());
        assertEquals(0, d.bytesDone());
    }

    @Test
    void aBlobLargerThanItsDescriptorDeclaresIsRefused() throws Exception {
        LayerDescriptor real = fake.add(bytes(100_000));
        LayerDescriptor shorter = new LayerDescriptor(real.id(), 99_000, real.mediaType());
        BlobDownloader dl = downloader(fake);
        LayerFetchException e = assertThrows(LayerFetchException.class, () -> dl.download(download(shorter, FetchPriority.ON_DEMAND)));
        assertTrue(e.getMessage().contains("larger than the 99000 bytes its descriptor declares"), e.getMessage());
        assertEquals(1, dl.verifyFailures());
        assertEquals(List.of(), slept, "not retried");
        assertFalse(Files.exists(layout.blobFile(real.id())));
    }

    @Test
    void aCutConnectionResumesWhereItStoppedWithADoublingBackoff() throws Exception {
        byte[] b = bytes(100_000);
        LayerDescriptor l = fake.add(b);
        flaky.cutAfter = 40_000;
        flaky.cuts.set(2);
        BlobDownloader dl = downloader(flaky);
        assertTrue(dl.download(download(l, FetchPriority.ON_DEMAND)));
        assertEquals(List.of(0L, 40_000L, 80_000L), offsets());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), slept);
        assertEquals(2, dl.resumes());
        assertEquals(100_000, dl.bytesPulled(), "no byte fetched twice");
        assertArrayEquals(b, Files.readAllBytes(layout.blobFile(l.id())), "the digest state survived the cuts");
    }

    @Test
    void afterTheLastAttemptTheFailureNamesTheAttemptsAndTheByteReached() throws Exception {
        LayerDescriptor l = fake.add(bytes(100_000));
        flaky.cutAfter = 1_000;
        flaky.cuts.set(Integer.MAX_VALUE);
        BlobDownloader.Download d = download(l, FetchPriority.ON_DEMAND);
        LayerFetchException e = assertThrows(LayerFetchException.class, () -> downloader(flaky).download(d));
        assertTrue(e.getMessage().contains("download failed 3 times, last at byte 3000 of 100000: connection reset")
                && e.getMessage().contains(l.id().digest()), e.getMessage());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), slept);
        assertEquals(3000, d.bytesDone(), "the partial file is kept for the caller to drop");
        d.discardPartial();
        assertEquals(List.of(), tmp());
    }

    @Test
    void retryableSourceErrorsAreRetriedOthersFailAtOnce() throws Exception {
        byte[] b = bytes(10_000);
        LayerDescriptor l = fake.add(b);
        flaky.failures.add(new LayerSourceException("HTTP 503", true));
        BlobDownloader dl = downloader(flaky);
        assertTrue(dl.download(download(l, FetchPriority.ON_DEMAND)));
        assertEquals(List.of(Duration.ofMillis(100)), slept);
        LayerSourceException denied = new LayerSourceException("access denied", false);
        flaky.failures.add(denied);
        LayerDescriptor other = fake.add(bytes(10_001));
        assertSame(denied, assertThrows(LayerSourceException.class, () -> dl.download(download(other, FetchPriority.ON_DEMAND))));
        assertEquals(1, slept.size(), "no back-off before giving up");
    }

    @Test
    void aPausedPrefetchStopsAfterOneChunkAndResumesFromThereWithoutFetchingAByteTwice() throws Exception {
        byte[] b = bytes(300_000);
        LayerDescriptor l = fake.add(b);
        BlobDownloader dl = downloader(fake);
        BlobDownloader.Download d = download(l, FetchPriority.PREFETCH);
        d.preempt.set(true);
        assertFalse(dl.download(d), "paused");
        assertEquals(1, dl.preemptions());
        assertFalse(d.preempt.get(), "the pause request is consumed");
        long kept = d.bytesDone();
        assertTrue(kept > 0 && kept < 300_000, "kept " + kept);
        assertFalse(Files.exists(layout.blobFile(l.id())));
        assertTrue(dl.download(d));
        assertEquals(List.of(0L, kept), offsets());
        assertEquals(1, dl.resumes());
        assertEquals(300_000, dl.bytesPulled());
        assertArrayEquals(b, Files.readAllBytes(layout.blobFile(l.id())));
    }

    @Test
    void aPauseRequestedWhileTheLastChunkWasReadDoesNotPauseADownloadThatHasEveryByte() throws Exception {
        byte[] b = bytes(1_000); // one chunk: the first read returns the whole blob
        LayerDescriptor l = fake.add(b);
        BlobDownloader dl = downloader(fake);
        BlobDownloader.Download d = download(l, FetchPriority.PREFETCH);
        d.preempt.set(true); // asked while the read was blocked, seen after it returned
        assertTrue(dl.download(d), "finished, not paused");
        assertEquals(0, dl.preemptions());
        assertEquals(List.of(0L), offsets(), "the source was opened once, never again at its end");
        assertArrayEquals(b, Files.readAllBytes(layout.blobFile(l.id())));
    }

    @Test
    void anOnDemandDownloadIgnoresAPauseRequest() throws Exception {
        LayerDescriptor l = fake.add(bytes(200_000));
        BlobDownloader dl = downloader(fake);
        BlobDownloader.Download d = download(l, FetchPriority.ON_DEMAND);
        d.preempt.set(true);
        assertTrue(dl.download(d));
        assertEquals(0, dl.preemptions());
    }

    @Test
    void onlyPrefetchBytesWaitForTheTokenBucket() throws Exception {
        TokenBucket bucket = new TokenBucket(100_000); // burst 100 kB, then 100 kB/s
        BlobDownloader dl = downloader(fake, bucket, new boolean[1]);
        LayerDescriptor p = fake.add(bytes(200_000));
        long t0 = System.nanoTime();
        assertTrue(dl.download(download(p, FetchPriority.PREFETCH)));
        long prefetchMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(prefetchMs >= 700, "200 kB through a 100 kB/s bucket took " + prefetchMs + " ms");
        LayerDescriptor o = fake.add(bytes(200_001));
        long t1 = System.nanoTime();
        assertTrue(dl.download(download(o, FetchPriority.ON_DEMAND)));
        long onDemandMs = (System.nanoTime() - t1) / 1_000_000;
        assertTrue(onDemandMs < prefetchMs / 2, "on demand " + onDemandMs + " ms vs prefetch " + prefetchMs + " ms");
    }

    @Test
    void aClosingStoreStopsARunningDownload() throws Exception {
        LayerDescriptor l = fake.add(bytes(200_000));
        InterruptedException e = assertThrows(InterruptedException.class,
                () -> downloader(fake, new TokenBucket(0), new boolean[] {true}).download(download(l, FetchPriority.ON_DEMAND)));
        assertEquals("layer store closing", e.getMessage());
    }

    /** Serves {@link #fake}'s blobs, failing the next opens as told: source errors first, then cut streams. */
    final class FlakySource implements LayerSource {
        final Deque<LayerSourceException> failures = new ArrayDeque<>();
        final AtomicInteger cuts = new AtomicInteger();
        volatile long cutAfter;

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public ImageManifest resolve(String imageReference) throws LayerSourceException {
            throw new LayerSourceException("flaky source resolves nothing", false);
        }

        @Override
        public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
            LayerSourceException f = failures.poll();
            if (f != null) {
                throw f;
            }
            InputStream in = fake.openBlob(repository, layer, offset);
            if (cuts.getAndUpdate(c -> Math.max(0, c - 1)) == 0) {
                return in;
            }
            return new FilterInputStream(in) {
                long left = cutAfter;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left == 0) {
                        throw new IOException("connection reset");
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    left -= Math.max(n, 0);
                    return n;
                }
            };
        }
    }
}
