package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.InvocationEvent;
import org.layerswap.routes.api.IngestStats;
import org.layerswap.routes.api.InvocationIngest;

/** layerswap:replay and layerswap:ingest read files only from ${karaf.data}/traces and never echo others' content. */
class TraceConfinementCommandTest {

    private static final String SECRET = "root:$6$SECRET-HASH:19000:0:99999:7:::";

    @TempDir
    Path tmp;
    private String oldData;
    private Path outside;
    private Path drop;
    private final List<InvocationEvent> ingested = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        oldData = System.getProperty("karaf.data");
        System.setProperty("karaf.data", tmp.resolve("data").toString());
        Path traces = Files.createDirectories(tmp.resolve("data/traces"));
        outside = Files.writeString(tmp.resolve("secret.jsonl"), SECRET + "\n");
        Files.createSymbolicLink(traces.resolve("link.jsonl"), outside);
        drop = Files.createDirectories(tmp.resolve("data/ingest"));
    }

    @AfterEach
    void restore() {
        if (oldData == null) {
            System.clearProperty("karaf.data");
        } else {
            System.setProperty("karaf.data", oldData);
        }
    }

    private InvocationIngest ingest() {
        return new InvocationIngest() {
            @Override
            public void ingest(InvocationEvent event) {
                ingested.add(event);
            }

            @Override
            public IngestStats stats() {
                return new IngestStats(0, 0, 0, 0, 0, 0, 0, 0, 0, null);
            }

            @Override
            public Path dropDirectory() {
                return drop;
            }
        };
    }

    private String ingestErr(String file) throws Exception {
        IngestCommand c = new IngestCommand();
        c.ingest = ingest();
        c.file = file;
        Console r = Console.run(c::execute);
        assertFalse(r.err().contains("SECRET") || r.out().contains("SECRET"), r.err());
        return r.err();
    }

    private String replayErr(String trace) throws Exception {
        ReplayCommand c = new ReplayCommand();
        c.trace = trace;
        Console r = Console.run(c::execute);
        assertFalse(r.err().contains("SECRET") || r.out().contains("SECRET"), r.err());
        return r.err();
    }

    @Test
    void ingestRefusesFilesOutsideTheTracesDirectoryWithoutCopyingThem() throws Exception {
        assertTrue(ingestErr("/etc/shadow").contains("Error: trace file '/etc/shadow' is outside the traces directory"));
        assertTrue(ingestErr(outside.toString()).contains("is outside the traces directory"));
        assertTrue(ingestErr("../../secret.jsonl").contains("is outside the traces directory"));
        assertTrue(ingestErr("link.jsonl").contains("'link.jsonl' is outside the traces directory"));
        try (var s = Files.walk(drop)) {
            assertEquals(1, s.count(), "nothing was copied into the drop folder");
        }
    }

    @Test
    void replayRefusesFilesOutsideTheTracesDirectoryAndHugeSyntheticWorkloads() throws Exception {
        assertTrue(replayErr("azure2021:/etc/shadow").contains("Error: trace file '/etc/shadow' is outside the traces directory"));
        assertTrue(replayErr("jsonl:link.jsonl").contains("is outside the traces directory"));
        assertTrue(replayErr("synthetic:functions=100000000").contains("exceeds the limit 20000"));
        assertFalse(Files.exists(tmp.resolve("data/replay")), "no replay ran");
    }
}
