package org.layerswap.routes;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.BitSet;

/**
 * A deterministic mixed JSON-lines feed. Line {@code n} (1-based):
 * <ul>
 *   <li>bad when {@code n % 100 == 37} (exactly 1 % of the lines when the size is a multiple of 100), cycling through
 *       five kinds: truncated JSON, missing function, negative timestamp, garbled timestamp, not a JSON object;</li>
 *   <li>blank (skipped, not dead-lettered) when {@code n % 1000 == 500}; every 7th such line is whitespace only;</li>
 *   <li>otherwise valid, with timestamp {@code BASE + n} (every 3rd as an ISO-8601 string) and, every 11th, a CRLF
 *       line end.</li>
 * </ul>
 */
final class Feed {

    final int lines;
    final BitSet valid = new BitSet();
    final BitSet bad = new BitSet();
    final BitSet blank = new BitSet();

    Feed(int lines) {
        this.lines = lines;
        for (int n = 1; n <= lines; n++) {
            if (isBad(n)) {
                bad.set(n);
            } else if (n % 1000 == 500) {
                blank.set(n);
            } else {
                valid.set(n);
            }
        }
    }

    static boolean isBad(int n) {
        return n % 100 == 37;
    }

    static String line(int n) {
        if (isBad(n)) {
            return switch ((n / 100) % 5) {
                case 0 -> "{\"function\":\"f" + (n % 50) + "\",\"timestamp\":" + (Fakes.BASE + n);
                case 1 -> "{\"timestamp\":" + (Fakes.BASE + n) + ",\"tenant\":\"t\"}";
                case 2 -> "{\"function\":\"f1\",\"timestamp\":-" + n + "}";
                case 3 -> "{\"function\":\"f1\",\"timestamp\":\"2024-13-45T99:00:00Z#" + n + "\"}";
                default -> "[\"f1\"," + n + "]";
            };
        }
        if (n % 1000 == 500) {
            return n % 7 == 0 ? "   \t" : "";
        }
        long ts = Fakes.BASE + n;
        String t = n % 3 == 0 ? "\"" + Instant.ofEpochMilli(ts) + "\"" : Long.toString(ts);
        String s = "{\"function\":\"fn-" + (n % 97) + "\",\"timestamp\":" + t
                + (n % 5 == 0 ? ",\"params\":{\"dataset\":\"d" + (n % 13) + "\"},\"tenant\":\"t" + (n % 4) + "\"" : "") + "}";
        return n % 11 == 0 ? s + "\r" : s;
    }

    /** Writes the feed next to {@code dropDir}, then moves it in atomically. */
    Path dropInto(Path dropDir, String name) throws IOException {
        Path tmp = dropDir.resolveSibling(name + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (int n = 1; n <= lines; n++) {
                w.write(line(n));
                w.write('\n');
            }
        }
        return Files.move(tmp, dropDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
