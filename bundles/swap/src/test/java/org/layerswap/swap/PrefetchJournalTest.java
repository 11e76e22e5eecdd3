package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerswap.swap.Fakes.id;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.LayerId;

class PrefetchJournalTest {

    @TempDir
    Path dir;

    private final List<String> started = new ArrayList<>();

    private boolean start(LayerId id, String fn, double score) {
        started.add(id + " " + fn + " " + score);
        return true;
    }

    private long files() throws Exception {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void prefetchesStillRunningWhenTheManagerStoppedAreResumedByTheNextStart() throws Exception {
        PrefetchJournal j = new PrefetchJournal(dir);
        j.started(id(1), "f", 0.7);
        j.started(id(2), "g", 0.9);
        j.finished(id(2));
        j.close();
        j.finished(id(1)); // the store fails the fetch while stopping: after close it stays journaled
        assertEquals(1, files());

        PrefetchJournal next = new PrefetchJournal(dir);
        assertTrue(next.hasPending());
        assertEquals(1, next.resume(x -> false, x -> true, false, this::start));
        assertEquals(List.of(id(1) + " f 0.7"), started);
        assertEquals(List.of(id(1) + " for f"), next.resumedLines());
        assertFalse(next.hasPending());
        assertEquals(1, files(), "journaled again until the resumed fetch ends");
        next.finished(id(1));
        assertEquals(0, files());
    }

    @Test
    void residentLayersAreDroppedAndUnknownOnesWaitForTheCatalogToBeComplete() throws Exception {
        PrefetchJournal j = new PrefetchJournal(dir);
        j.started(id(1), "f", 0.5);
        j.started(id(2), "g", 0.5);
        j.close();

        PrefetchJournal next = new PrefetchJournal(dir);
        assertEquals(0, next.resume(Set.of(id(1))::contains, x -> false, false, this::start));
        assertEquals(List.of(id(1) + " (f): already resident"), next.droppedLines());
        assertEquals(1, next.pendingLines().size());
        assertTrue(next.hasPending());

        assertEquals(0, next.resume(x -> false, x -> false, true, this::start));
        assertEquals(id(2) + " (g): its layer is no longer in the catalog", next.droppedLines().get(1));
        assertFalse(next.hasPending());
        assertEquals(List.of(), started);
        assertEquals(0, files());
    }

    @Test
    void unreadableEntriesAndCutWritesAreDroppedWhenTheJournalOpens() throws Exception {
        Files.writeString(dir.resolve("not-a-digest"), "f\n1.0\n");
        Files.writeString(dir.resolve(".sha256-" + id(3).hex()), "half");
        Files.writeString(dir.resolve("sha256-" + id(4).hex()), "f\nNaNx\n");
        PrefetchJournal j = new PrefetchJournal(dir);
        assertFalse(j.hasPending());
        assertEquals(0, files());
    }

    @Test
    void aPrefetchThatCannotStartAgainIsDroppedWithTheReason() throws Exception {
        PrefetchJournal j = new PrefetchJournal(dir);
        j.started(id(5), "f", 1.0);
        j.close();
        PrefetchJournal next = new PrefetchJournal(dir);
        assertEquals(0, next.resume(x -> false, x -> true, true, (id, fn, s) -> false));
        assertTrue(next.droppedLines().get(0).contains("not restarted"), next.droppedLines().toString());
        assertEquals(0, files());
    }
}
