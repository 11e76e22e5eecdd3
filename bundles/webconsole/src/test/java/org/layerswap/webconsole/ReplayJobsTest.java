package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.workload.TraceDirectory;

/** The console's replay entry (POST /api/replay): trace confinement, bounded synthetic size, bounded queue. */
class ReplayJobsTest {

    private static final String SECRET = "root:$6$SECRET-HASH:19000:0:99999:7:::";

    @TempDir
    Path tmp;
    private Path traces;
    private Path outside;
    /** Never runs what it is given: jobs stay queued, so the queue bound is seen without timing. */
    private final List<Runnable> parked = new ArrayList<>();
    private ReplayJobs jobs;

    @BeforeEach
    void setUp() throws Exception {
        traces = Files.createDirectories(tmp.resolve("data/traces"));
        outside = Files.writeString(tmp.resolve("shadow"), SECRET + "\n");
        jobs = new ReplayJobs(tmp.resolve("data/replay"), new TraceDirectory(traces, 1000, 30), 2, 10, parked::add);
    }

    private String refused(String trace) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jobs.start(List.of(), trace));
        assertFalse(e.getMessage().contains("SECRET"), "file content leaked: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void hostFilesAreRefusedWithoutTheirContent() throws Exception {
        assertTrue(refused("azure2021:/etc/shadow").contains("'/etc/shadow' is outside the traces directory"));
        assertTrue(refused("azure2021:" + outside).contains("outside the traces directory"));
        assertTrue(refused("azure2021:../../shadow").contains("outside the traces directory"));
        Files.createSymbolicLink(traces.resolve("t.csv"), outside);
        assertTrue(refused("azure2021:t.csv").contains("outside the traces directory"));
        assertTrue(parked.isEmpty());
    }

    @Test
    void aBadTraceInsideTheDirectoryIsReportedWithAShortSanitisedExcerpt() throws Exception {
        Files.writeString(traces.resolve("bad.csv"), "x".repeat(5000) + "\u001b[31m\n1,2,3\n");
        String m = refused("azure2021:bad.csv");
        assertTrue(m.contains("not an Azure 2021 trace"), m);
        assertTrue(m.length() <= 243 && !m.contains("\u001b"), m);
    }

    @Test
    void syntheticSizeIsBounded() {
        assertTrue(refused("synthetic:functions=1001").contains("exceeds the limit 1000"));
        assertTrue(refused("synthetic:days=31").contains("exceeds the limit 30.0"));
    }

    @Test
    void theQueueIsBounded() {
        jobs.start(List.of(), "synthetic:days=0.1,functions=5,seed=1");
        jobs.start(List.of(), "synthetic:days=0.1,functions=5,seed=2");
        assertEquals(2, parked.size());
        String m = refused("synthetic:days=0.1,functions=5,seed=3");
        assertTrue(m.startsWith("the replay queue is full: 2 replays queued or running (layerswap.replay.maxQueued=2)"), m);
        assertEquals(2, jobs.list().size());
    }
}
