package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.oci.format.Digests;

class FetchSchedulerTest {

    final Map<LayerId, Path> resident = new ConcurrentHashMap<>();
    final Map<LayerId, Double> scores = new ConcurrentHashMap<>();
    /** What the job does per layer; default: "resident" at once. */
    final Map<LayerId, FetchScheduler.Job> jobs = new ConcurrentHashMap<>();
    final List<LayerId> ran = new CopyOnWriteArrayList<>();
    final Map<LayerId, FetchScheduler.Task> tasks = new ConcurrentHashMap<>();
    final List<FetchScheduler> schedulers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        schedulers.forEach(FetchScheduler::close);
    }

    FetchScheduler scheduler(int workers) {
        FetchScheduler s = new FetchScheduler(workers, "fake", id -> scores.getOrDefault(id, 0.0), resident::get, t -> {
            ran.add(t.layer.id());
            tasks.put(t.layer.id(), t);
            return jobs.getOrDefault(t.layer.id(), x -> dirOf(x.layer)).run(t);
        });
        schedulers.add(s);
        return s;
    }

    static LayerDescriptor layer(String name) {
        return new LayerDescriptor(LayerId.of(Digests.sha256(name.getBytes(StandardCharsets.UTF_8))), 10, null);
    }

    static Path dirOf(LayerDescriptor l) {
        return Path.of("/store/layers", l.id().hex());
    }

    static Path get(CompletableFuture<Path> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** A layer whose job holds its worker until {@link #release}. */
    final class Blocker {
        final LayerDescriptor layer;
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);

        Blocker(String name) {
            layer = layer(name);
            jobs.put(layer.id(), t -> {
                started.countDown();
                released.await();
                return dirOf(layer);
            });
        }

        CompletableFuture<Path> start(FetchScheduler s, FetchPriority p) throws InterruptedException {
            CompletableFuture<Path> f = s.submit("r", layer, p);
            assertTrue(started.await(10, TimeUnit.SECONDS), "blocker started");
            return f;
        }

        void release() {
            released.countDown();
        }
    }

    @Test
    void concurrentRequestsForOneLayerShareOneRun() throws Exception {
        FetchScheduler s = scheduler(1);
        Blocker b = new Blocker("blocker");
        b.start(s, FetchPriority.PREFETCH);
        LayerDescriptor x = layer("x");
        List<CompletableFuture<Path>> fs = List.of(s.submit("r", x, FetchPriority.PREFETCH), s.submit("r", x, FetchPriority.ON_DEMAND),
                s.submit("r", x, FetchPriority.PREFETCH));
        assertEquals(1, s.queued());
        b.release();
        for (CompletableFuture<Path> f : fs) {
            assertEquals(dirOf(x), get(f));
        }
        assertEquals(List.of(b.layer.id(), x.id()), ran);
    }

    @Test
    void onDemandGoesFirstThenPrefetchesByScoreThenByArrival() throws Exception {
        FetchScheduler s = scheduler(1);
        Blocker b = new Blocker("blocker");
        b.start(s, FetchPriority.PREFETCH);
        LayerDescriptor low = layer("low");
        LayerDescriptor high = layer("high");
        LayerDescriptor midA = layer("mid-a");
        LayerDescriptor midB = layer("mid-b");
        LayerDescriptor urgent = layer("urgent");
        scores.putAll(Map.of(low.id(), 0.1, high.id(), 0.9, midA.id(), 0.5, midB.id(), 0.5));
        List<CompletableFuture<Path>> fs = new ArrayList<>();
        for (LayerDescriptor l : List.of(low, midA, high, midB)) {
            fs.add(s.submit("r", l, FetchPriority.PREFETCH));
        }
        fs.add(s.submit("r", urgent, FetchPriority.ON_DEMAND));
        b.release();
        for (CompletableFuture<Path> f : fs) {
            get(f);
        }
        assertEquals(List.of(b.layer.id(), urgent.id(), high.id(), midA.id(), midB.id(), low.id()), ran);
    }

    @Test
    void anOnDemandRequestMovesAQueuedPrefetchOfTheSameLayerUp() throws Exception {
        FetchScheduler s = scheduler(1);
        Blocker b = new Blocker("blocker");
        b.start(s, FetchPriority.PREFETCH);
        LayerDescriptor first = layer("first");
        LayerDescriptor wanted = layer("wanted");
        CompletableFuture<Path> f1 = s.submit("r", first, FetchPriority.PREFETCH);
        CompletableFuture<Path> f2 = s.submit("r", wanted, FetchPriority.PREFETCH);
        CompletableFuture<Path> f3 = s.submit("r", wanted, FetchPriority.ON_DEMAND);
        b.release();
        get(f1);
        assertEquals(get(f2), get(f3));
        assertEquals(List.of(b.layer.id(), wanted.id(), first.id()), ran);
        assertEquals(FetchPriority.ON_DEMAND, tasks.get(wanted.id()).priority);
    }

    @Test
    void withNoIdleWorkerOnDemandAsksTheLowestScoredRunningPrefetchToPause() throws Exception {
        FetchScheduler s = scheduler(2);
        Blocker cheap = new Blocker("cheap");
        Blocker dear = new Blocker("dear");
        scores.putAll(Map.of(cheap.layer.id(), 0.3, dear.layer.id(), 0.7));
        cheap.start(s, FetchPriority.PREFETCH);
        dear.start(s, FetchPriority.PREFETCH);
        CompletableFuture<Path> od = s.submit("r", layer("urgent"), FetchPriority.ON_DEMAND);
        assertTrue(tasks.get(cheap.layer.id()).preempt.get(), "the lower-scored prefetch is asked to pause");
        assertFalse(tasks.get(dear.layer.id()).preempt.get());
        cheap.release();
        dear.release();
        get(od);
    }

    @Test
    void aRunningPrefetchUpgradedToOnDemandIsNoLongerPaused() throws Exception {
        FetchScheduler s = scheduler(1);
        Blocker b = new Blocker("running");
        CompletableFuture<Path> f = b.start(s, FetchPriority.PREFETCH);
        s.submit("r", layer("other"), FetchPriority.ON_DEMAND);
        FetchScheduler.Task t = tasks.get(b.layer.id());
        assertTrue(t.preempt.get());
        s.submit("r", b.layer, FetchPriority.ON_DEMAND);
        assertFalse(t.preempt.get());
        assertEquals(FetchPriority.ON_DEMAND, t.priority);
        b.release();
        get(f);
    }

    @Test
    void aPausedTaskGoesBackIntoTheQueueAndResumesWithItsState() throws Exception {
        LayerDescriptor p = layer("paused");
        List<FetchScheduler.Task> runs = new CopyOnWriteArrayList<>();
        jobs.put(p.id(), t -> {
            runs.add(t);
            return runs.size() == 1 ? null : dirOf(p);
        });
        FetchScheduler s = scheduler(1);
        assertEquals(dirOf(p), get(s.submit("r", p, FetchPriority.PREFETCH)));
        assertEquals(2, runs.size());
        assertSame(runs.get(0), runs.get(1), "the same task (with its partial download) ran again");
    }

    @Test
    void aFailureReachesEveryCallerNamingLayerSourceAndRepository() throws Exception {
        LayerDescriptor l = layer("bad");
        jobs.put(l.id(), t -> {
            throw new IOException("boom");
        });
        FetchScheduler s = scheduler(1);
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(s.submit("repo/x", l, FetchPriority.ON_DEMAND)));
        assertInstanceOf(LayerFetchException.class, e.getCause());
        assertEquals("layer " + l.id() + " from fake repository repo/x: boom", e.getCause().getMessage());
        LayerFetchException own = new LayerFetchException("already specific");
        jobs.put(l.id(), t -> {
            throw own;
        });
        ExecutionException again = assertThrows(ExecutionException.class, () -> get(s.submit("repo/x", l, FetchPriority.ON_DEMAND)));
        assertSame(own, again.getCause(), "a failed fetch is forgotten: the next request runs again");
        assertEquals(2, ran.size());
    }

    @Test
    void aResidentLayerIsNotFetched() throws Exception {
        LayerDescriptor l = layer("here");
        resident.put(l.id(), Path.of("/store/layers/here"));
        assertEquals(Path.of("/store/layers/here"), get(scheduler(1).submit("r", l, FetchPriority.ON_DEMAND)));
        assertEquals(List.of(), ran);
    }

    @Test
    void cancellingOneCallersFutureLeavesTheSharedFetchRunning() throws Exception {
        FetchScheduler s = scheduler(1);
        Blocker b = new Blocker("blocker");
        CompletableFuture<Path> mine = b.start(s, FetchPriority.ON_DEMAND);
        CompletableFuture<Path> theirs = s.submit("r", b.layer, FetchPriority.ON_DEMAND);
        mine.cancel(true);
        b.release();
        assertEquals(dirOf(b.layer), get(theirs));
    }

    @Test
    void closingFailsQueuedFetchesAndStopsTheWorkers() throws Exception {
        FetchScheduler s = scheduler(1);
        Blocker b = new Blocker("blocker");
        CompletableFuture<Path> running = b.start(s, FetchPriority.PREFETCH);
        LayerDescriptor q = layer("queued");
        CompletableFuture<Path> queued = s.submit("r", q, FetchPriority.PREFETCH);
        s.close();
        assertTrue(s.isClosed());
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(queued));
        assertEquals("layer store closed before layer " + q.id() + " was fetched", e.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> get(running), "the running job was interrupted");
        assertEquals(0, s.queued());
        assertFalse(ran.contains(q.id()));
    }
}
