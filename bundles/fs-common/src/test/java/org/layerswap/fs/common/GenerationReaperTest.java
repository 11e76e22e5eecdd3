package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.fs.common.GenerationalBackend.Generation;
import org.slf4j.LoggerFactory;

class GenerationReaperTest {

    private static final long GRACE = 1_000;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();
    /** Set: the reaper schedules nothing, the test reaps by hand on its manual clock. */
    private volatile boolean closed = true;
    private final ConcurrentHashMap<String, FunctionState> functions = new ConcurrentHashMap<>();
    private final List<String> tornDown = new CopyOnWriteArrayList<>();
    private volatile IOException failNextTeardown;
    private final CountDownLatch firstTeardown = new CountDownLatch(1);
    private GenerationReaper reaper = reaper(clock::get);

    private GenerationReaper reaper(java.util.function.LongSupplier nanoTime) {
        return new GenerationReaper(functions, GRACE, nanoTime, g -> {
            IOException e = failNextTeardown;
            failNextTeardown = null;
            if (e != null) {
                throw e;
            }
            tornDown.add(g.fn.id + "/" + g.number);
            firstTeardown.countDown();
        }, () -> closed, () -> "test", LoggerFactory.getLogger(GenerationReaperTest.class), "test-reaper");
    }

    @AfterEach
    void stop() {
        reaper.shutdown();
    }

    private FunctionState function(String id) throws IOException {
        FunctionState st = new FunctionState(id, Files.createDirectories(dir.resolve(id)));
        functions.put(id, st);
        return st;
    }

    /** A generation of {@code st} with its directory, retired now. */
    private Generation retired(FunctionState st, long n) throws IOException {
        Generation g = new Generation(st, n, Files.createDirectories(st.dir.resolve("gen-" + n)), List.of());
        synchronized (st) {
            reaper.retire(g);
        }
        return g;
    }

    @Test
    void aRetiredGenerationIsTornDownAndDeletedOnlyOnceItsGracePeriodHasPassed() throws IOException {
        FunctionState st = function("fn");
        Generation g = retired(st, 1);
        clock.set(GRACE - 1);
        reaper.reapFunction(st, false);
        assertEquals(List.of(), tornDown);
        assertTrue(Files.isDirectory(g.dir));
        clock.set(GRACE);
        reaper.reapFunction(st, false);
        assertEquals(List.of("fn/1"), tornDown);
        assertFalse(Files.exists(g.dir));
        assertEquals(1, reaper.destroyed());
        assertTrue(functions.containsKey("fn"), "the function itself was not removed");
    }

    @Test
    void aLeasedGenerationStaysEvenWhenTheGracePeriodIsIgnored() throws IOException {
        FunctionState st = function("fn");
        Generation g = retired(st, 1);
        g.refs = 1;
        reaper.reapAll(true);
        assertEquals(List.of(), tornDown);
        g.refs = 0;
        reaper.reapAll(true);
        assertEquals(List.of("fn/1"), tornDown, "forced: within its grace period, but no lease");
    }

    @Test
    void aGenerationWhoseTeardownFailedGoesBackOnTheRetiredListForTheNextReap() throws IOException {
        FunctionState st = function("fn");
        Generation g = retired(st, 1);
        failNextTeardown = new IOException("device busy");
        reaper.reapFunction(st, true);
        assertEquals(List.of(g), st.retired);
        assertTrue(Files.isDirectory(g.dir));
        assertEquals(0, reaper.destroyed());
        reaper.reapFunction(st, true);
        assertEquals(List.of(), st.retired);
        assertFalse(Files.exists(g.dir));
        assertEquals(1, reaper.destroyed());
    }

    @Test
    void aRemovedFunctionWithNothingLeftLeavesTheMapAndLosesItsDirectory() throws IOException {
        FunctionState gone = function("gone");
        FunctionState kept = function("kept");
        retired(gone, 1);
        Files.writeString(gone.dir.resolve(GenerationLayout.CURRENT), "x");
        gone.removed = true;
        reaper.reapAll(true);
        assertEquals(List.of("gone/1"), tornDown);
        assertFalse(functions.containsKey("gone"));
        assertTrue(gone.deleted, "a compose racing with the removal starts over");
        assertFalse(Files.exists(gone.dir));
        assertTrue(functions.containsKey("kept"), "not removed");
        assertTrue(Files.isDirectory(kept.dir));
    }

    @Test
    void theReaperThreadTearsARetiredGenerationDownAfterItsLastLeaseCloses() throws Exception {
        reaper.shutdown();
        reaper = reaper(System::nanoTime);
        closed = false;
        FunctionState st = function("fn");
        Generation g = new Generation(st, 1, Files.createDirectories(st.dir.resolve("gen-1")), List.of());
        g.refs = 1;
        synchronized (st) {
            reaper.retire(g); // the reap it schedules finds the generation leased
        }
        synchronized (st) {
            g.refs = 0;
        }
        reaper.lastLeaseClosed(g);
        assertTrue(firstTeardown.await(10, TimeUnit.SECONDS), "torn down by the reaper thread");
        assertEquals(List.of("fn/1"), tornDown);
    }
}
