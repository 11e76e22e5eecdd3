package org.layerswap.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsGeneratedOwnerOnlyAndReadBackTheSame() throws IOException {
        Path file = dir.resolve("security/scrape.token");
        String token = SecretFile.loadOrCreate(file, "scrape token");
        assertEquals(43, token.length());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(token, SecretFile.loadOrCreate(file, "scrape token"));
    }

    @Test
    void aFileOthersCanReadIsRefusedNamingTheToken() throws IOException {
        Path file = dir.resolve("scrape.token");
        Files.writeString(file, "0123456789abcdefghij\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> SecretFile.loadOrCreate(file, "scrape token"));
        assertTrue(e.getMessage().startsWith("scrape token file " + file + " is readable by others (rw-r--r--)"), e.getMessage());
    }

    @Test
    void aSymbolicLinkAndAShortTokenAreRefused() throws IOException {
        Path target = dir.resolve("real");
        Files.writeString(target, "0123456789abcdefghij\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertTrue(assertThrows(IOException.class, () -> SecretFile.loadOrCreate(link, "t")).getMessage().endsWith("is not a regular file"));
        Files.writeString(target, "short\n");
        assertTrue(assertThrows(IOException.class, () -> SecretFile.loadOrCreate(target, "t")).getMessage()
                .endsWith("holds fewer than 16 characters"));
    }
}
