package org.layerswap.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTokenTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsGeneratedOwnerOnlyAndReadBackTheSame() throws IOException {
        Path file = dir.resolve("security/scrape.token");
        SecretToken token = SecretToken.loadOrCreate(file, "scrape token");
        assertEquals(43, token.value().length());
        assertEquals(token.value() + "\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(token.value(), SecretToken.loadOrCreate(file, "scrape token").value());
    }

    @Test
    void generatingLeavesNoTemporaryFileBehind() throws IOException {
        SecretToken.loadOrCreate(dir.resolve("a.token"), "t");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("a.token")), files.toList());
        }
    }

    @Test
    void anExistingOwnerOnlyFileIsReadNotReplaced() throws IOException {
        Path file = dir.resolve("ingest.token");
        Files.writeString(file, "  configured-by-hand-0123456789 \n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals("configured-by-hand-0123456789", SecretToken.loadOrCreate(file, "ingest token").value());
        assertEquals("  configured-by-hand-0123456789 \n", Files.readString(file));
    }

    @Test
    void startsRacingToCreateTheFileAllGetTheOneTokenThatWasWritten() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 30; round++) {
                Path file = dir.resolve("race" + round + "/cluster.token");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        return SecretToken.loadOrCreate(file, "cluster token").value();
                    }));
                }
                go.countDown();
                Set<String> seen = new HashSet<>();
                for (Future<String> r : results) {
                    seen.add(r.get(30, TimeUnit.SECONDS)); // an empty or half-written file would throw here
                }
                assertEquals(Set.of(Files.readString(file).trim()), seen, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFileTheGroupOrOthersCanReadIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("scrape.token");
        Files.writeString(file, "0123456789abcdefghij\n");
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw-rw-rw-")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            IOException e = assertThrows(IOException.class, () -> SecretToken.loadOrCreate(file, "scrape token"));
            assertTrue(e.getMessage().startsWith("scrape token file " + file + " is readable by others (" + mode + ")"), e.getMessage());
        }
        assertEquals("0123456789abcdefghij\n", Files.readString(file), "a refused file is left as it was");
    }

    @Test
    void anEmptyFileIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("empty.token");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        IOException e = assertThrows(IOException.class, () -> SecretToken.loadOrCreate(file, "metrics scrape token"));
        assertTrue(e.getMessage().startsWith("metrics scrape token file " + file + " is empty"), e.getMessage());
        Files.writeString(file, " \n\n");
        assertTrue(assertThrows(IOException.class, () -> SecretToken.loadOrCreate(file, "t")).getMessage().contains(" is empty"));
    }

    @Test
    void aSymbolicLinkAShortTokenAndAnOversizedFileAreRefused() throws IOException {
        Path target = dir.resolve("real");
        Files.writeString(target, "0123456789abcdefghij\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertEquals("t file " + link + " is not a regular file",
                assertThrows(IOException.class, () -> SecretToken.loadOrCreate(link, "t")).getMessage());
        Files.writeString(target, "short\n");
        assertEquals("t file " + target + " holds fewer than 16 characters",
                assertThrows(IOException.class, () -> SecretToken.loadOrCreate(target, "t")).getMessage());
        Files.writeString(target, "x".repeat(2000));
        assertEquals("t file " + target + " is larger than 1024 bytes",
                assertThrows(IOException.class, () -> SecretToken.loadOrCreate(target, "t")).getMessage());
    }

    @Test
    void onlyTheExactBearerTokenIsAdmitted() {
        SecretToken t = SecretToken.of(" 0123456789abcdef-token\n", "cluster token");
        assertTrue(t.admits("Bearer 0123456789abcdef-token"));
        assertTrue(t.admits("bearer 0123456789abcdef-token "));
        assertFalse(t.admits(null));
        assertFalse(t.admits("Bearer"));
        assertFalse(t.admits("Bearer 0123456789abcdef-toke"));
        assertFalse(t.admits("Bearer 0123456789abcdef-token2"));
        assertFalse(t.admits("Basic 0123456789abcdef-token"));
        assertEquals("Bearer 0123456789abcdef-token", t.authorization());
        assertEquals("SecretToken[redacted]", t.toString());
    }

    @Test
    void aBlankOrShortTokenIsRefusedSoAnEndpointNeverOpensByMistake() {
        assertEquals("the cluster token must hold at least 16 characters",
                assertThrows(IllegalArgumentException.class, () -> SecretToken.of(null, "cluster token")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> SecretToken.of("   ", "t"));
        assertThrows(IllegalArgumentException.class, () -> SecretToken.of("0123456789abcde", "t"));
        assertEquals(16, SecretToken.of("0123456789abcdef", "t").value().length());
    }

    @Test
    void constantTimeEqualsMatchesOnlyTheSameNonEmptyValue() {
        assertTrue(SecretToken.constantTimeEquals("csrf-abc", "csrf-abc"));
        assertFalse(SecretToken.constantTimeEquals("csrf-abc", "csrf-abd"));
        assertFalse(SecretToken.constantTimeEquals("csrf-abc", "csrf-ab"));
        assertFalse(SecretToken.constantTimeEquals("csrf-abc", null));
        assertFalse(SecretToken.constantTimeEquals("", ""));
        assertFalse(SecretToken.constantTimeEquals(null, null));
    }

    @Test
    void generatedTokensAreDistinctUrlSafeAnd43CharactersLong() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String t = SecretToken.generate();
            assertTrue(t.matches("[A-Za-z0-9_-]{43}"), t);
            seen.add(t);
        }
        assertEquals(100, seen.size());
    }
}
