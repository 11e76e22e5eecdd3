package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCliTest {

    @TempDir
    Path out;

    @Test
    void unitsParse() {
        assertEquals(20_000_000_000L, Units.bytes("20GB"));
        assertEquals(512L << 20, Units.bytes("512MiB"));
        assertEquals(100e6, Units.bytesPerSecond("100MB/s"));
        assertEquals(125e6, Units.bytesPerSecond("1Gbit/s"));
        assertEquals(20, Units.millis("20ms"));
        assertEquals(3_600_000, Units.millis("1h"));
        assertEquals(90_000, Units.millis("1.5m"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.bytes("20 parsecs"));
        assertTrue(e.getMessage().contains("parsecs"));
    }

    @Test
    void syntheticReplayWithSweepWritesReportCsvAndCharts() throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = ReplayMain.run(new String[] {"--trace", "synthetic:days=1,functions=60,seed=3", "--budget", "2GB",
                "--warmup", "1h", "--policies", "lru,keepalive-10m,gdsf,hybrid,oracle-infinite,oracle-clairvoyant",
                "--sweep", "--out", out.toString()}, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        String stdout = o.toString(StandardCharsets.UTF_8);
        assertTrue(stdout.contains("| oracle-clairvoyant |"), stdout);
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("100%"), "progress on stderr");
        for (String f : new String[] {"report.md", "results.csv", "sweep.csv", "sweep-storage.png", "sweep-bytes.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        }
        long sweepRows = Files.readAllLines(out.resolve("sweep.csv")).size() - 1;
        assertEquals(9 + 5 + 5 + 4, sweepRows, "keep-alive 9, lru 5, gdsf 5, hybrid 4");
    }

    @Test
    void spanReplaysOnlyTheTracesFirstHoursAndRefusesANonPositiveSpan() {
        ReplaySettings whole = ReplayMain.parse(new String[] {"--trace", "synthetic:days=2,functions=40,seed=3"});
        ReplaySettings half = ReplayMain.parse(new String[] {"--trace", "synthetic:days=2,functions=40,seed=3", "--span", "1d"});
        assertEquals(86_400_000L, half.spanMillis());
        EventTable all = ReplayRunner.load(whole, ProgressListener.NONE);
        EventTable first = ReplayRunner.load(half, ProgressListener.NONE);
        assertTrue(first.size() > 0 && first.size() < all.size(), first.size() + " of " + all.size());
        assertTrue(first.endMillis() < first.startMillis() + 86_400_000L, "every kept event is within the first day");
        assertEquals(all.startMillis(), first.startMillis());
        int inFirstDay = 0;
        for (int e = 0; e < all.size(); e++) {
            if (all.time(e) < all.startMillis() + 86_400_000L) {
                inFirstDay++;
            }
        }
        assertEquals(inFirstDay, first.size(), "the prefix is exactly the events of the first day");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplayMain.parse(new String[] {"--trace", "synthetic:days=1", "--span", "0s"}));
        assertTrue(e.getMessage().contains("span"), e.getMessage());
    }

    @Test
    void badArgumentsAreClearErrors() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplayMain.run(new String[] {"--trace", "nosuch:thing"}, sink, sink));
        assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ReplayMain.run(new String[] {"--trace", "synthetic:days=1", "--policies", "magic"}, sink, sink));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReplayMain.run(new String[] {"--budget"}, sink, sink));
        assertTrue(e.getMessage().contains("--budget"), e.getMessage());
    }
}
