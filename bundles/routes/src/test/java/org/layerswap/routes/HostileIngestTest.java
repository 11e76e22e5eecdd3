package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.testkit.Await;
import org.layerswap.testkit.FakeProfiler;

/**
 * A hostile feed through the streaming ingest path (the HTTP route's, without the socket): a million valid events
 * with random function ids, interleaved with oversized ids, ids longer than a line may be, control characters and
 * far-future timestamps. Every valid event must arrive exactly once, every hostile one must be dead-lettered with the
 * reason its kind deserves, and the live heap (after each collection) must stay far below the feed's size.
 */
@Timeout(600)
class HostileIngestTest {

    private static final int VALID = 1_000_000;
    private static final long NOW = Fakes.BASE + 10_000_000L;
    private static final long HEAP_BOUND = 96L << 20;

    /** Line {@code n}'s kind: 0 valid, else the hostile kind. */
    static int kind(long n) {
        if (n % 1000 == 999) {
            return 3; // id longer than maxLineChars: the line itself is cut
        }
        if (n % 50 == 7) {
            return 1; // huge id
        }
        if (n % 50 == 32) {
            return 2; // far-future timestamp
        }
        if (n % 500 == 250) {
            return 4; // control character in the id
        }
        return 0;
    }

    static final Map<Integer, String> REASONS = Map.of(1, "characters exceeds 256", 2, "ahead of the clock",
            3, "line longer than maxLineChars 65536", 4, "control or unprintable character");

    /**
     * Generates the feed on the fly: never held whole by the test either. Lines are numbered globally from
     * {@code startAfter + 1}; a valid event carries {@code BASE + its number} as timestamp.
     */
    static final class Feed extends InputStream {
        final Random random;
        final BitSet validLines = new BitSet();
        final Map<Integer, Integer> hostileByKind = new HashMap<>();
        final long lastLine;
        final int maxValid;
        long n;
        int valid;
        long bytes;
        byte[] current = new byte[0];
        int pos;

        /** The whole hostile feed: lines until {@link #VALID} valid ones were written. */
        Feed() {
            this(0, Long.MAX_VALUE, VALID, 14);
        }

        /** Lines {@code startAfter + 1 .. startAfter + lines}, at most {@code maxValid} of them valid. */
        Feed(long startAfter, long lines, int maxValid, long seed) {
            this.n = startAfter;
            this.lastLine = lines == Long.MAX_VALUE ? Long.MAX_VALUE : startAfter + lines;
            this.maxValid = maxValid;
            this.random = new Random(seed);
        }

        int hostile() {
            return hostileByKind.values().stream().mapToInt(Integer::intValue).sum();
        }

        private boolean refill() {
            if (valid >= maxValid || n >= lastLine) {
                return false;
            }
            n++;
            int k = kind(n);
            String line = switch (k) {
                case 0 -> {
                    valid++;
                    validLines.set((int) n);
                    yield "{\"function\":\"fn-" + Long.toHexString(random.nextLong()) + "\",\"timestamp\":" + (Fakes.BASE + n) + "}";
                }
                case 1 -> "{\"function\":\"" + "h".repeat(257 + random.nextInt(8000)) + "\",\"timestamp\":" + (Fakes.BASE + n) + "}";
                case 2 -> "{\"function\":\"fn-future\",\"timestamp\":" + (NOW + 86_400_000L * (1 + random.nextInt(36500))) + "}";
                case 3 -> "{\"function\":\"" + "L".repeat(100_000) + "\",\"timestamp\":" + (Fakes.BASE + n) + "}";
                default -> "{\"function\":\"fn\\u0007bell\",\"timestamp\":" + (Fakes.BASE + n) + "}";
            };
            if (k != 0) {
                hostileByKind.merge(k, 1, Integer::sum);
            }
            current = (line + "\n").getBytes(StandardCharsets.UTF_8);
            pos = 0;
            bytes += current.length;
            return true;
        }

        @Override
        public int read() {
            if (pos == current.length && !refill()) {
                return -1;
            }
            return current[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == current.length && !refill()) {
                return -1;
            }
            int k = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, k);
            pos += k;
            return k;
        }
    }

    @Test
    void aMillionRandomIdsHugeIdsAndFarFutureTimesLoseNoValidEventAndDeadLetterEveryRefusal() throws Exception {
        BitSet seen = new BitSet();
        AtomicLong duplicates = new AtomicLong();
        FakeProfiler profiler = new FakeProfiler().countingOnly().beforeRecord(e -> {
            int line = (int) (e.timestampMillis() - Fakes.BASE); // feed events carry BASE + line number
            synchronized (seen) {
                if (seen.get(line)) {
                    duplicates.incrementAndGet();
                }
                seen.set(line);
            }
        });
        Fakes.Persistence persistence = new Fakes.Persistence();
        IngestRoutes routes = new IngestRoutes(new RoutesSettings(null, 0, "/ingest", 10_000, 0, 0, 30, 64),
                EdgeSettings.defaults("hostile-test-token-0123456789").withMaxBodyBytes(Long.MAX_VALUE),
                profiler, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
        routes.setPersistence(persistence.service());
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(routes);
        context.start();
        AtomicLong maxLiveAfterGc = new AtomicLong();
        List<Runnable> unlisten = listenToCollections(maxLiveAfterGc);
        Feed feed = new Feed();
        try {
            System.gc();
            long baseline = usedHeap();
            maxLiveAfterGc.set(0);
            IngestRoutes.Tally t = routes.tally("hostile");
            routes.ingestLines(feed, t);
            Await.until(Duration.ofSeconds(120), () -> profiler.recorded() == VALID, () -> "every valid event delivered: " + profiler.recorded());

            assertEquals(VALID, t.accepted);
            synchronized (seen) {
                assertEquals(feed.validLines, seen, "every valid event arrived");
            }
            assertEquals(0, duplicates.get());
            int hostile = feed.hostile();
            assertEquals(hostile, t.rejected);
            List<DeadLetterRow> dl = persistence.deadLetters();
            assertEquals(hostile, dl.size(), "every refused event is dead-lettered");
            Map<Integer, Integer> byKind = new HashMap<>();
            for (DeadLetterRow d : dl) {
                int k = kind(d.lineNo());
                assertTrue(k != 0, "a valid line was dead-lettered: " + d);
                assertTrue(d.reason().contains(REASONS.get(k)), "line " + d.lineNo() + " kind " + k + ": " + d.reason());
                assertTrue(d.payload().length() <= 64 + 20, "dead-letter payload capped: " + d.payload().length());
                byKind.merge(k, 1, Integer::sum);
            }
            assertEquals(feed.hostileByKind, byKind);
            assertTrue(byKind.keySet().containsAll(List.of(1, 2, 3, 4)), "every hostile kind was exercised: " + byKind);
            long live = maxLiveAfterGc.get() - baseline;
            System.out.println("hostile ingest: live heap after GC grew by at most " + (live >> 20) + " MB while streaming "
                    + (feed.bytes >> 20) + " MB");
            assertTrue(live < HEAP_BOUND, "live heap grew by " + (live >> 20) + " MB while streaming " + (feed.bytes >> 20) + " MB");
            assertTrue(feed.bytes > 2 * HEAP_BOUND, "the feed (" + feed.bytes + " bytes) dwarfs the bound");
        } finally {
            unlisten.forEach(Runnable::run);
            context.stop();
        }
    }

    static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Records the largest heap occupancy right after any collection (live data plus not yet collected old garbage). */
    static List<Runnable> listenToCollections(AtomicLong max) throws Exception {
        List<Runnable> undo = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            NotificationListener l = (notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long after = 0;
                    for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                        after += u.getUsed();
                    }
                    max.accumulateAndGet(after, Math::max);
                }
            };
            ((NotificationEmitter) gc).addNotificationListener(l, null, null);
            undo.add(() -> {
                try {
                    ((NotificationEmitter) gc).removeNotificationListener(l);
                } catch (Exception ignored) {
                    // already gone
                }
            });
        }
        return undo;
    }
}
