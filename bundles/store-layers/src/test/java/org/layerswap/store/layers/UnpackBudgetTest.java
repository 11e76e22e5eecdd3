package org.layerswap.store.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackBudgetTest {

    static final UnpackLimits LIMITS = new UnpackLimits(10L << 20, 20L << 20, 5, false, false, true).withMinFreeBytes(100L << 20);

    @Test
    void entryCountIsLimitedAndNamesTheLayer() throws Exception {
        UnpackBudget b = new UnpackBudget(LIMITS, "sha256:abc", () -> Long.MAX_VALUE);
        for (int i = 0; i < 5; i++) {
            b.nextEntry("e" + i);
        }
        UnsafeLayerException e = assertThrows(UnsafeLayerException.class, () -> b.nextEntry("e5"));
        assertEquals("layer 'sha256:abc' has more than 5 entries (maxEntries)", e.getMessage());
    }

    @Test
    void bytesAreCountedWhileStreamingNotOnlyAsDeclared() throws Exception {
        UnpackBudget b = new UnpackBudget(LIMITS, "L", () -> Long.MAX_VALUE);
        b.nextEntry("liar");
        b.declare(1);
        UnsafeLayerException e = assertThrows(UnsafeLayerException.class, () -> b.write((10L << 20) + 1));
        assertTrue(e.getMessage().contains("entry 'liar' of layer 'L' holds more than the 10485760-byte limit per file"), e.getMessage());

        UnpackBudget total = new UnpackBudget(LIMITS, "L", () -> Long.MAX_VALUE);
        total.nextEntry("a");
        total.write(10L << 20);
        total.nextEntry("b");
        total.write(10L << 20);
        total.nextEntry("c");
        e = assertThrows(UnsafeLayerException.class, () -> total.write(1));
        assertEquals("layer 'L' expands past the 20971520-byte limit (maxLayerBytes) at entry 'c'", e.getMessage());
    }

    @Test
    void freeSpaceIsAskedOncePerCheckIntervalAndRefusesBelowTheFloor() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        AtomicLong free = new AtomicLong(1L << 30);
        UnpackBudget b = new UnpackBudget(LIMITS.withSizes(1L << 30, 1L << 30).withMinFreeBytes(100L << 20), "L", () -> {
            asked.incrementAndGet();
            return free.get();
        });
        for (int i = 0; i < 4; i++) { // 4 MiB of small files: no statfs
            b.nextEntry("small" + i);
            b.declare(1 << 20);
            b.write(1 << 20);
        }
        assertEquals(0, asked.get());
        b.nextEntry("big");
        b.declare(16L << 20); // crosses the interval: asked with the declared size
        assertEquals(1, asked.get());
        b.write(4L << 20); // below the interval since the last check: not asked
        assertEquals(1, asked.get());
        free.set(95L << 20);
        UnsafeLayerException e = assertThrows(UnsafeLayerException.class, () -> b.write(4L << 20));
        assertEquals(2, asked.get());
        assertEquals("layer 'L' refused at entry 'big' after 12582912 bytes: only 99614720 bytes free on the store's filesystem, "
                + "below the 104857600-byte free-space floor (minFreeBytes)", e.getMessage());

        UnpackBudget c = new UnpackBudget(LIMITS, "L", () -> 105L << 20); // 9 MiB more would leave 96 MiB, below the 100 MiB floor
        c.nextEntry("x");
        e = assertThrows(UnsafeLayerException.class, () -> c.declare(9L << 20), "refused before a byte of it is written");
        assertTrue(e.getMessage().startsWith("layer 'L' refused at entry 'x' after 0 bytes: only 110100480 bytes free on the store's filesystem for 9437184 more"), e.getMessage());
    }

    @TempDir
    Path dir;

    @Test
    void aGzipBombIsRefusedBeforeItFillsTheDisk() throws Exception {
        Path layer = Files.createDirectories(dir.resolve("unpack-bomb"));
        byte[] bomb = Tars.gzipBomb(32, 8L << 20); // 256 MiB of zeros
        assertTrue(bomb.length < 1_000_000, "bomb is " + bomb.length + " bytes compressed");
        long usable = Files.getFileStore(layer).getUsableSpace();
        UnpackLimits limits = UnpackLimits.DEFAULT.withMinFreeBytes(usable - (16L << 20)); // 16 MiB left to fill
        UnsafeLayerException e = assertThrows(UnsafeLayerException.class,
                () -> new TarUnpacker(limits).unpack(new ByteArrayInputStream(bomb), layer));
        assertTrue(e.getMessage().startsWith("layer 'unpack-bomb' refused at entry 'bomb/"), e.getMessage());
        assertTrue(e.getMessage().contains("minFreeBytes"), e.getMessage());
        assertTrue(TarUnpacker.diskUsage(layer) < (32L << 20), "stopped near the floor, wrote " + TarUnpacker.diskUsage(layer));
    }
}
