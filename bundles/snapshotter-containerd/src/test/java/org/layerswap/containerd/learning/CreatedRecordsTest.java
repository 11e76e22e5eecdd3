package org.layerswap.containerd.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreatedRecordsTest {

    @TempDir
    Path dir;

    final CreatedRecords.Record tag = new CreatedRecords.Record("k8s.io", "reg/fn:1", "reg/fn:1", "l-1", 1_000);
    final CreatedRecords.Record id = new CreatedRecords.Record("k8s.io", "sha256:" + "2e".repeat(32), "reg/fn:1", "l-1", 1_000);
    final CreatedRecords.Record other = new CreatedRecords.Record("default", "reg/fn:2", "reg/fn:2", "l-2", 5_000);

    @Test
    void everyChangeIsOnDiskAndReadBackByTheNextRun() {
        Path file = dir.resolve("state/" + CreatedRecords.FILE);
        CreatedRecords r = CreatedRecords.open(file);
        r.put(tag);
        r.put(id);
        r.put(other);
        assertEquals(List.of(tag, id, other), CreatedRecords.open(file).all());
        assertEquals(List.of(tag, id), r.removeImage("k8s.io", "reg/fn:1"));
        assertEquals(List.of(other), CreatedRecords.open(file).all());
        r.retry(List.of(tag));
        assertEquals(List.of(other, tag.until(0)), CreatedRecords.open(file).all(), "a failed delete is due at once");
        assertEquals(List.of(tag.until(0)), r.removeDue(4_999));
        assertEquals(List.of(other), r.removeDue(5_000));
        assertEquals(List.of(), CreatedRecords.open(file).all());
        assertFalse(Files.exists(file.resolveSibling(CreatedRecords.FILE + ".tmp")));
    }

    @Test
    void aRecordOfTheSameNamespaceAndNameIsReplaced() {
        CreatedRecords r = CreatedRecords.inMemory();
        r.put(tag);
        r.put(tag.until(9_000));
        assertEquals(List.of(tag.until(9_000)), r.all());
        assertEquals(tag.until(9_000), r.get("k8s.io", "reg/fn:1").orElseThrow());
    }

    @Test
    void aFileThatIsNotJsonIsSetAsideNamedInTheLogAndTheListStartsEmpty() throws Exception {
        Path file = dir.resolve(CreatedRecords.FILE);
        Files.writeString(file, "{\"version\":1,\"records\":[{\"namespace\":");
        String log = stderrOf(() -> CreatedRecords.open(file).all().size());
        assertTrue(log.contains("cannot read the list of containerd image records LayerSwap created, " + file), log);
        assertTrue(log.contains("moved to " + file + ".unreadable"), log);
        assertEquals("{\"version\":1,\"records\":[{\"namespace\":", Files.readString(dir.resolve(CreatedRecords.FILE + ".unreadable")));
        CreatedRecords r = CreatedRecords.open(file);
        assertEquals(List.of(), r.all());
        r.put(other);
        assertEquals(List.of(other), CreatedRecords.open(file).all(), "the next change writes a good file");
    }

    @Test
    void aFileOfAnotherVersionOrWithAnInvalidEntryIsUnreadableToo() throws Exception {
        Path file = dir.resolve(CreatedRecords.FILE);
        Files.writeString(file, "{\"version\":2,\"records\":[]}");
        String log = stderrOf(() -> CreatedRecords.open(file).all().size());
        assertTrue(log.contains("version 2, this build reads 1"), log);
        Files.writeString(file, "{\"version\":1,\"records\":[{\"namespace\":\"default\",\"image\":\"fn\",\"lease\":\"l\",\"untilMillis\":1}]}");
        log = stderrOf(() -> CreatedRecords.open(file).all().size());
        assertTrue(log.contains("name"), log);
        assertEquals(List.of(), CreatedRecords.open(file).all());
    }

    /** What {@code call} logs (slf4j-simple writes to {@code System.err}); asserts it read an empty list. */
    static String stderrOf(Supplier<Integer> call) {
        PrintStream saved = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, call.get());
        } finally {
            System.setErr(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
