package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceDirectoryTest {

    private static final String SECRET = "root:$6$SECRET-HASH-CONTENT:19000:0:99999:7:::";

    @TempDir
    Path tmp;
    private Path traces;
    private Path outsideFile;
    private TraceDirectory dir;

    @BeforeEach
    void setUp() throws Exception {
        traces = Files.createDirectories(tmp.resolve("data/traces"));
        outsideFile = Files.writeString(tmp.resolve("data/shadow"), SECRET + "\n");
        Files.writeString(traces.resolve("good.csv"), "func,end_timestamp,duration\nf,1.5,0.1\n");
        dir = new TraceDirectory(traces, 500, 7);
    }

    private String refusal(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dir.confine(spec));
        assertFalse(e.getMessage().contains("SECRET"), "no file content in: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void aFileInsideTheDirectoryResolvesToItsRealPath() throws Exception {
        assertEquals("azure2021:" + traces.resolve("good.csv").toRealPath(), dir.confine("azure2021:good.csv"));
        assertEquals("csv:" + traces.resolve("good.csv").toRealPath(), dir.confine("csv:" + traces.resolve("good.csv")));
        assertEquals("synthetic:days=1,functions=100", dir.confine("synthetic:days=1,functions=100"));
    }

    @Test
    void etcShadowIsRefusedWithoutItsContent() {
        String m = refusal("azure2021:/etc/shadow");
        assertTrue(m.contains("'/etc/shadow' is outside the traces directory " + traces), m);
        assertTrue(refusal("jsonl:" + outsideFile).contains("outside the traces directory"));
    }

    @Test
    void dotDotEscapesAreRefused() {
        assertTrue(refusal("azure2021:../shadow").contains("outside the traces directory"));
        assertTrue(refusal("azure2019:good.csv,../../data/shadow").contains("outside the traces directory"));
        assertTrue(refusal("csv:sub/../../shadow").contains("outside the traces directory"));
    }

    @Test
    void aSymbolicLinkOutOfTheDirectoryIsRefused() throws Exception {
        Files.createSymbolicLink(traces.resolve("innocent.csv"), outsideFile);
        Files.createSymbolicLink(traces.resolve("up"), tmp.resolve("data"));
        assertTrue(refusal("azure2021:innocent.csv").contains("'innocent.csv' is outside the traces directory"));
        assertTrue(refusal("azure2021:up/shadow").contains("outside the traces directory"));
    }

    @Test
    void aLinkThatStaysInsideIsFollowed() throws Exception {
        Files.createSymbolicLink(traces.resolve("alias.csv"), traces.resolve("good.csv"));
        assertEquals("jsonl:" + traces.resolve("good.csv").toRealPath(), dir.confine("jsonl:alias.csv"));
    }

    @Test
    void missingFilesDirectoriesAndUnknownKindsAreClearErrors() throws Exception {
        assertTrue(refusal("csv:nope.csv").contains("'nope.csv' does not exist in the traces directory"));
        Files.createDirectory(traces.resolve("sub"));
        assertTrue(refusal("csv:sub").contains("is not a regular file"));
        assertTrue(refusal("shadow:/etc/shadow").contains("unknown trace kind 'shadow'"));
        assertTrue(refusal("csv:").contains("no trace file given"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TraceDirectory(tmp.resolve("missing")).confine("csv:x.csv")).getMessage().contains("does not exist; create it"));
    }

    @Test
    void syntheticFunctionsAndDaysAreBounded() {
        assertEquals("synthetic functions=501 exceeds the limit 500 (layerswap.synthetic.maxFunctions)",
                refusal("synthetic:functions=501"));
        assertTrue(refusal("synthetic:days=8,functions=10").startsWith("synthetic days=8.0 exceeds the limit 7.0"));
    }

    @Test
    void sanitizeReplacesControlCharactersAndCapsTheLength() {
        assertEquals("a?b?c", TraceDirectory.sanitize("a\nb\u0000c"));
        String s = TraceDirectory.sanitize("x".repeat(10_000));
        assertTrue(s.length() <= 243 && s.endsWith("..."), s.length() + "");
    }
}
