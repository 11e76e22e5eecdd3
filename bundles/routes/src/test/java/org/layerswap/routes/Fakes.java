package org.layerswap.routes;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.testkit.FakeProfiler;

/** Test doubles: which feed lines reached the (shared) fake profiler, and an in-memory persistence. */
final class Fakes {

    private Fakes() {
    }

    /** Feed events carry {@code BASE + lineNo} as timestamp, so the profiler can tell which lines arrived. */
    static final long BASE = 1_700_000_000_000L;

    /** The feed lines that reached {@code profiler} (from the {@link #BASE}-relative timestamps). */
    static BitSet seen(FakeProfiler profiler) {
        BitSet seen = new BitSet();
        profiler.events().forEach(e -> seen.set((int) (e.timestampMillis() - BASE)));
        return seen;
    }

    /** How many recorded events repeated a line already recorded. */
    static int duplicates(FakeProfiler profiler) {
        return profiler.recorded() - seen(profiler).cardinality();
    }

    /** In-memory persistence: counts invocations, keeps dead letters, remembers what each flush confirmed. */
    static final class Persistence {
        final AtomicLong invocations = new AtomicLong();
        final List<DeadLetterRow> deadLetters = new ArrayList<>();
        /** Invocation count at each flush call. */
        final List<Long> flushes = new ArrayList<>();
        volatile boolean flushSucceeds = true;
        final AtomicLong retentionRuns = new AtomicLong();

        synchronized List<DeadLetterRow> deadLetters() {
            return new ArrayList<>(deadLetters);
        }

        synchronized List<Long> flushes() {
            return new ArrayList<>(flushes);
        }

        PersistenceService service() {
            return (PersistenceService) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {PersistenceService.class}, (proxy, m, args) -> {
                        switch (m.getName()) {
                            case "recordInvocation" -> {
                                InvocationRow r = (InvocationRow) args[0];
                                if (r.functionId().isBlank()) {
                                    throw new IllegalStateException();
                                }
                                invocations.incrementAndGet();
                                return true;
                            }
                            case "recordDeadLetter" -> {
                                synchronized (this) {
                                    deadLetters.add((DeadLetterRow) args[0]);
                                }
                                return true;
                            }
                            case "flush" -> {
                                Duration timeout = (Duration) args[0];
                                if (timeout.isNegative()) {
                                    throw new IllegalArgumentException();
                                }
                                synchronized (this) {
                                    flushes.add(invocations.get());
                                }
                                return flushSucceeds;
                            }
                            case "applyRetention" -> {
                                retentionRuns.incrementAndGet();
                                return 0L;
                            }
                            case "toString" -> {
                                return "fake persistence";
                            }
                            case "hashCode" -> {
                                return System.identityHashCode(proxy);
                            }
                            case "equals" -> {
                                return proxy == args[0];
                            }
                            default -> throw new UnsupportedOperationException(m.getName());
                        }
                    });
        }
    }
}
