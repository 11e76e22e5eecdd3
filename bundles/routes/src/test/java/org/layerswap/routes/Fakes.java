package org.layerswap.routes;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.api.ProfileView;
import org.layerswap.api.ScoreListener;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.PersistenceService;

/** Test doubles: a profiler that records which feed lines reached it, and an in-memory persistence. */
final class Fakes {

    private Fakes() {
    }

    /** Feed events carry {@code BASE + lineNo} as timestamp, so the profiler can tell which lines arrived. */
    static final long BASE = 1_700_000_000_000L;

    static final class Profiler implements BehavioralProfiler {
        final BitSet seen = new BitSet();
        final AtomicLong records = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong rescores = new AtomicLong();
        volatile long sleepMillis;

        @Override
        public synchronized void record(InvocationEvent event) {
            if (sleepMillis > 0) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int line = (int) (event.timestampMillis() - BASE);
            if (seen.get(line)) {
                duplicates.incrementAndGet();
            }
            seen.set(line);
            records.incrementAndGet();
        }

        synchronized BitSet seen() {
            return (BitSet) seen.clone();
        }

        @Override
        public void rescore(long nowMillis) {
            rescores.incrementAndGet();
        }

        @Override
        public void recordLayerAccess(InvocationEvent event, Collection<LayerId> layersUsed) {
        }

        @Override
        public void updateFunctionLayers(FunctionLayerMap map) {
        }

        @Override
        public Map<LayerId, PredictionScore> scores() {
            return Map.of();
        }

        @Override
        public List<PredictionScore> topK(int k) {
            return List.of();
        }

        @Override
        public Optional<PredictionScore> score(LayerId layer) {
            return Optional.empty();
        }

        @Override
        public double functionProbability(String functionId) {
            return 0;
        }

        @Override
        public AutoCloseable subscribe(ScoreListener listener) {
            return () -> { };
        }

        @Override
        public long windowMillis() {
            return 60_000;
        }

        @Override
        public String activePredictor() {
            return "fake";
        }

        @Override
        public ProfileView profiles() {
            return null;
        }
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
