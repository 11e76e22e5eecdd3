package org.layerswap.swap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.layerswap.api.ComposedRoot;
import org.layerswap.api.FetchPriority;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.layerswap.api.LayerStore;
import org.layerswap.api.LayerStoreStats;
import org.layerswap.api.ResidentLayer;
import org.layerswap.api.RootLease;

/** Small in-memory fakes of the api services. */
final class Fakes {

    private Fakes() {
    }

    static LayerId id(int n) {
        return LayerId.of("sha256:" + String.format("%064x", n));
    }

    static LayerDescriptor desc(int n, long size) {
        return new LayerDescriptor(id(n), size, LayerDescriptor.OCI_TAR_GZIP);
    }

    record FetchCall(LayerId id, FetchPriority priority, String thread) {
    }

    static final class Store implements LayerStore {
        final Set<LayerId> resident = ConcurrentHashMap.newKeySet();
        final Map<LayerId, CompletableFuture<Path>> pending = new ConcurrentHashMap<>();
        final List<FetchCall> calls = new CopyOnWriteArrayList<>();
        final Map<LayerId, AtomicInteger> pinned = new ConcurrentHashMap<>();
        final List<LayerId> evicted = new CopyOnWriteArrayList<>();
        volatile long budget = 1L << 40;
        volatile long used;

        /** Where layer directories live (real directories for tests with real mounts). */
        volatile Path base = Path.of("/layers");

        Path pathOf(LayerId id) {
            return base.resolve(id.toString().replace(':', '_')); // the full digest: short forms of id(n) collide
        }

        /** Leases on {@code id} not closed. */
        int pins(LayerId id) {
            AtomicInteger p = pinned.get(id);
            return p == null ? 0 : p.get();
        }

        void complete(LayerId id) {
            resident.add(id);
            CompletableFuture<Path> f = pending.remove(id);
            if (f != null) {
                f.complete(pathOf(id));
            }
        }

        @Override
        public boolean isResident(LayerId id) {
            return resident.contains(id);
        }

        @Override
        public Optional<Path> path(LayerId id) {
            return resident.contains(id) ? Optional.of(pathOf(id)) : Optional.empty();
        }

        @Override
        public CompletableFuture<Path> fetch(String repository, LayerDescriptor layer, FetchPriority priority) {
            CompletableFuture<Path> f = resident.contains(layer.id()) ? CompletableFuture.completedFuture(pathOf(layer.id()))
                    : pending.computeIfAbsent(layer.id(), k -> new CompletableFuture<>());
            // recorded after the future is registered: a test that sees the call can complete it
            calls.add(new FetchCall(layer.id(), priority, Thread.currentThread().getName()));
            return f;
        }

        @Override
        public LayerLease acquire(LayerId id) {
            if (!resident.contains(id)) {
                throw new IllegalStateException(id + " not resident");
            }
            pinned.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            return new LayerLease() {
                @Override
                public LayerId id() {
                    return id;
                }

                @Override
                public Path path() {
                    return pathOf(id);
                }

                @Override
                public void close() {
                    pinned.get(id).decrementAndGet();
                }
            };
        }

        @Override
        public boolean evict(LayerId id) {
            evicted.add(id);
            return resident.remove(id);
        }

        @Override
        public List<ResidentLayer> resident() {
            List<ResidentLayer> out = new ArrayList<>();
            for (LayerId l : resident) {
                AtomicInteger p = pinned.get(l);
                out.add(new ResidentLayer(l, pathOf(l), 100, 100, p == null ? 0 : p.get(), 0));
            }
            return out;
        }

        @Override
        public LayerStoreStats stats() {
            return new LayerStoreStats(budget, used, 0, 0, 0, 0, 0, 0, pending.size());
        }

        long calls(LayerId id, FetchPriority p) {
            return calls.stream().filter(c -> c.id().equals(id) && c.priority() == p).count();
        }
    }

    /** A feedback loop assigning every invocation to one arm; records the fetches reported to it. */
    static final class Feedback implements org.layerswap.api.FeedbackLoop {
        final org.layerswap.api.ExperimentArm arm;
        final List<String> fetches = new CopyOnWriteArrayList<>();

        Feedback(org.layerswap.api.ExperimentArm arm) {
            this.arm = arm;
        }

        @Override
        public void record(org.layerswap.api.InvocationOutcome outcome) {
        }

        @Override
        public org.layerswap.api.ExperimentArm assign(String functionId, long invocationSeq) {
            return arm;
        }

        @Override
        public double recommendedThreshold() {
            return 0.5;
        }

        /** As "function arm priority bytes". */
        @Override
        public void recordFetch(String functionId, org.layerswap.api.ExperimentArm arm, FetchPriority priority, long bytes, long ts) {
            fetches.add(functionId + " " + arm + " " + priority + " " + bytes);
        }
    }

    /** Records compositions; leases are counted. */
    static final class Backend implements FilesystemBackend {
        final String name;
        volatile boolean available = true;
        final Map<String, List<Path>> roots = new ConcurrentHashMap<>();
        final Map<String, Long> gens = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> leases = new ConcurrentHashMap<>();
        final List<String> log = new CopyOnWriteArrayList<>();
        /** When set, compositions fail with an IOException of this message. */
        volatile String failCompose;
        /** Runs at the start of each compose (what the test wants to see at that moment). */
        volatile Runnable onCompose = () -> { };

        Backend(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isAvailable() {
            return available;
        }

        @Override
        public String unavailableReason() {
            return available ? "" : "fake unavailable";
        }

        @Override
        public ComposedRoot compose(String functionId, List<Path> layerDirs) throws IOException {
            onCompose.run();
            if (failCompose != null) {
                throw new IOException(failCompose);
            }
            log.add("compose " + functionId);
            return put(functionId, layerDirs);
        }

        @Override
        public ComposedRoot composeKeepingWrites(String functionId, List<Path> layerDirs) {
            log.add("cow " + functionId);
            return put(functionId, layerDirs);
        }

        private ComposedRoot put(String functionId, List<Path> layerDirs) {
            roots.put(functionId, List.copyOf(layerDirs));
            long g = gens.merge(functionId, 1L, Long::sum);
            return new ComposedRoot(functionId, name, Path.of("/r", functionId), g, layerDirs, 0);
        }

        @Override
        public RootLease enter(String functionId) throws IOException {
            List<Path> dirs = roots.get(functionId);
            if (dirs == null) {
                throw new IOException("no root for " + functionId);
            }
            AtomicInteger c = leases.computeIfAbsent(functionId, k -> new AtomicInteger());
            c.incrementAndGet();
            long g = gens.get(functionId);
            return new RootLease() {
                @Override
                public String functionId() {
                    return functionId;
                }

                @Override
                public Path root() {
                    return Path.of("/r", functionId, "gen-" + g);
                }

                @Override
                public long generation() {
                    return g;
                }

                @Override
                public List<Path> layerDirs() {
                    return dirs;
                }

                @Override
                public void close() {
                    c.decrementAndGet();
                }
            };
        }

        @Override
        public boolean remove(String functionId) {
            log.add("remove " + functionId);
            roots.remove(functionId);
            AtomicInteger c = leases.get(functionId);
            return c == null || c.get() == 0;
        }

        @Override
        public List<ComposedRoot> composed() {
            List<ComposedRoot> out = new ArrayList<>();
            roots.forEach((fn, d) -> out.add(new ComposedRoot(fn, name, Path.of("/r", fn), gens.get(fn), d,
                    leases.getOrDefault(fn, new AtomicInteger()).get())));
            return out;
        }
    }
}
