package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.nativeio.NativeIO;

class CurrentLinkTest {

    @TempDir
    Path fn;

    void flipTwice(CurrentLink link) throws IOException {
        link.flip(fn, Files.createDirectories(fn.resolve("gen-1")));
        assertEquals(Path.of("gen-1/merged"), Files.readSymbolicLink(fn.resolve("current")));
        link.flip(fn, Files.createDirectories(fn.resolve("gen-2")));
        assertEquals(Path.of("gen-2/merged"), Files.readSymbolicLink(fn.resolve("current")));
        assertFalse(Files.exists(fn.resolve("current.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "no link left behind");
    }

    @Test
    void withoutTheNativeBindingTheLinkIsReplacedByRename() throws IOException {
        CurrentLink link = new CurrentLink(Optional.empty(), () -> "t");
        flipTwice(link);
        assertFalse(link.usesRenameExchange());
    }

    @Test
    void withTheNativeBindingTheLinksAreExchanged() throws IOException {
        Optional<NativeIO> io = NativeIO.tryGet();
        assumeTrue(io.isPresent(), "needs the native libc binding");
        CurrentLink link = new CurrentLink(io, () -> "t");
        flipTwice(link);
        assertTrue(link.usesRenameExchange(), "the kernel and file system here support RENAME_EXCHANGE");
    }

    @Test
    void aLeftoverTemporaryLinkDoesNotStopAFlip() throws IOException {
        Files.createSymbolicLink(fn.resolve("current.tmp"), Path.of("gen-0/merged"));
        CurrentLink link = new CurrentLink(Optional.empty(), () -> "t");
        link.flip(fn, Files.createDirectories(fn.resolve("gen-7")));
        assertEquals(Path.of("gen-7/merged"), Files.readSymbolicLink(fn.resolve("current")));
    }
}
