package org.layerswap.swap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.layerswap.api.LayerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prefetches in flight, on disk, so that a restart (clean stop or {@code kill -9}) resumes them: one file per
 * running prefetch, {@code <dir>/<algorithm>-<hex>}, holding the function it was started for and its score. The
 * file is written (through a temporary name and a rename) when the worker starts the fetch and deleted when the
 * fetch ends; after {@link #close} (the manager stops) nothing is deleted any more, so a prefetch cut by the stop
 * stays journaled. The layer store keeps the partial blob of such a fetch, so the resumed fetch continues from
 * the byte reached when the layer source supports ranges (registries: HTTP Range), else from the first byte.
 *
 * <p>Invariants: an entry exists for every prefetch started and not finished while the journal was open; entries
 * of the previous run are read once ({@link #resume}) and each is resumed, dropped (already resident, or its layer
 * is unknown once the catalog is complete) or kept for a later {@link #resume} (its layer not known yet).
 */
final class PrefetchJournal {

    private static final Logger LOG = LoggerFactory.getLogger(PrefetchJournal.class);

    /** A prefetch of the previous run. */
    record Entry(LayerId layer, String functionId, double score) {
    }

    /** Starts a resumed prefetch; false when it could not be started (e.g. already running). */
    @FunctionalInterface
    interface Starter {
        boolean start(LayerId layer, String functionId, double score);
    }

    private final Path dir;
    private volatile boolean closed;
    /** Entries of the previous run not resumed yet, by layer (guarded by this). */
    private final Map<LayerId, Entry> left = new TreeMap<>();
    private final List<String> resumed = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();

    /** Opens the journal in {@code dir} (created, 0700) and reads what the previous run left there. */
    PrefetchJournal(Path dir) throws IOException {
        this.dir = Objects.requireNonNull(dir, "journal directory").toAbsolutePath().normalize();
        Files.createDirectories(this.dir);
        Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx------"));
        for (Entry e : read()) {
            left.put(e.layer(), e);
        }
    }

    Path dir() {
        return dir;
    }

    private List<Entry> read() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    Files.deleteIfExists(p); // a write cut by the stop
                    continue;
                }
                try {
                    LayerId id = LayerId.of(name.replaceFirst("-", ":"));
                    List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                    String fn = lines.isEmpty() ? "" : lines.get(0);
                    double score = lines.size() < 2 ? 1.0 : Double.parseDouble(lines.get(1));
                    out.add(new Entry(id, fn, score));
                } catch (IllegalArgumentException | IOException e) {
                    LOG.warn("prefetch journal: dropping unreadable entry {}: {}", p, e.getMessage());
                    Files.deleteIfExists(p);
                }
            }
        }
        return out;
    }

    private Path file(LayerId id) {
        return dir.resolve(id.algorithm() + "-" + id.hex());
    }

    /** A prefetch of {@code id} starts (on the worker, before the store is asked). Never throws. */
    void started(LayerId id, String functionId, double score) {
        if (closed) {
            return;
        }
        Path f = file(id);
        Path tmp = dir.resolve("." + f.getFileName());
        try {
            Files.writeString(tmp, (functionId == null ? "" : functionId) + "\n" + (Double.isNaN(score) ? 1.0 : score) + "\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("prefetch journal: cannot record the prefetch of {} (it is not resumed after a restart): {}", id, e.toString());
        }
    }

    /** The prefetch of {@code id} ended (done or failed): forgotten, unless the journal is closed (the manager stops). */
    void finished(LayerId id) {
        if (closed) {
            return;
        }
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            LOG.warn("prefetch journal: cannot forget the prefetch of {}: {}", id, e.toString());
        }
    }

    /** The manager stops: the prefetches still running stay journaled and are resumed at the next start. */
    void close() {
        closed = true;
    }

    /** Whether entries of the previous run wait for their layer to become known. */
    synchronized boolean hasPending() {
        return !left.isEmpty();
    }

    /**
     * Resumes the previous run's prefetches: an entry whose layer is resident is dropped (it completed after all);
     * one whose layer {@code known} does not know yet stays (dropped when {@code catalogComplete}); every other one
     * is handed to {@code start}. Returns how many were started by this call.
     */
    synchronized int resume(Predicate<LayerId> resident, Predicate<LayerId> known, boolean catalogComplete, Starter start) {
        int n = 0;
        for (Entry e : List.copyOf(left.values())) {
            LayerId id = e.layer();
            if (resident.test(id)) {
                left.remove(id);
                forget(id);
                dropped.add(id + " (" + e.functionId() + "): already resident");
            } else if (!known.test(id)) {
                if (catalogComplete) {
                    left.remove(id);
                    forget(id);
                    dropped.add(id + " (" + e.functionId() + "): its layer is no longer in the catalog");
                }
            } else {
                left.remove(id);
                if (start.start(id, e.functionId(), e.score())) {
                    n++;
                    resumed.add(id + " for " + e.functionId());
                } else {
                    dropped.add(id + " (" + e.functionId() + "): not restarted (already being fetched or no prefetch slot)");
                    forget(id);
                }
            }
        }
        if (n > 0) {
            LOG.info("resumed {} prefetch(es) interrupted by the last stop: {}", n, resumed.subList(resumed.size() - n, resumed.size()));
        }
        return n;
    }

    private void forget(LayerId id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            LOG.warn("prefetch journal: cannot delete the entry of {}: {}", id, e.toString());
        }
    }

    /** Lines for the restart report: prefetches resumed, entries dropped (why), entries still waiting. */
    synchronized List<String> resumedLines() {
        return List.copyOf(resumed);
    }

    synchronized List<String> droppedLines() {
        return List.copyOf(dropped);
    }

    synchronized List<String> pendingLines() {
        return left.values().stream().map(e -> "prefetch of " + e.layer() + " for " + e.functionId() + ": its layer is not known yet")
                .toList();
    }
}
