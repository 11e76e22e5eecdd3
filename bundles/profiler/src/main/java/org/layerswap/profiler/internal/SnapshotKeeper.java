package org.layerswap.profiler.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.layerswap.api.StateStore;
import org.layerswap.profiler.engine.ProfileSnapshot;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.SnapshotCodec;
import org.layerswap.profiler.engine.SnapshotException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the profiles across restarts, in the snapshot file (always) and in the {@link StateStore} under
 * {@link #STATE_KEY} while one is bound (the persistence bundle, optional).
 *
 * <p><b>Restore rule.</b> On {@link #attach} the file is restored (an unreadable one is moved aside as
 * {@code <file>.corrupt-<millis>} and profiling starts empty); then, and whenever a store is bound
 * later, the store's snapshot replaces the profiles only if it was taken after the one restored so far
 * <em>and</em> nothing was recorded since: a store that appears late never overwrites live learning.
 * <b>Writes</b> ({@link #write}, periodic and on {@link #detach}) go to the file and to the bound store.
 *
 * <p><b>Threads.</b> Binding (SCR), attach/detach (activation) and writes (the profiler's timer) are
 * serialised on this object; it calls into the engine while holding it, never the other way round.
 */
final class SnapshotKeeper {

    static final String STATE_KEY = "profiler.snapshot";
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotKeeper.class);

    private final LongSupplier clock;
    private StateStore store;
    private ProfilerEngine engine;
    private Path file;
    /** When the profiles now in the engine were snapshotted (MIN_VALUE: none restored). */
    private long restoredTakenAt = Long.MIN_VALUE;
    /** The engine's event count right after the last restore (more: something was learned since). */
    private long eventsAtRestore;
    /** What the profiles were last restored from, for the restart report ("" when they started empty). */
    private String restoredFrom = "";

    /** @param clock wall-clock millis, used to name a corrupt file set aside */
    SnapshotKeeper(LongSupplier clock) {
        this.clock = clock;
    }

    synchronized void bind(StateStore s) {
        store = s;
        if (engine != null) {
            restoreFromStore(s);
        }
    }

    /** Forgets {@code s} unless another store already replaced it (a greedy rebind binds before unbinding). */
    synchronized void unbind(StateStore s) {
        if (store == s) {
            store = null;
        }
    }

    /** Restores {@code e} from the file, then from the bound store when it holds a newer snapshot. */
    synchronized void attach(ProfilerEngine e, Path snapshotFile) {
        engine = e;
        file = snapshotFile;
        restoreFromFile();
        eventsAtRestore = e.eventsRecorded();
        if (store != null) {
            restoreFromStore(store);
        }
    }

    synchronized void setFile(Path snapshotFile) {
        file = snapshotFile;
    }

    synchronized Path file() {
        return file;
    }

    /** A last write, then no more: the engine is going away. */
    synchronized void detach() {
        write();
        engine = null;
    }

    /** Snapshots the engine to the file and to the bound store; failures are logged, never thrown. */
    synchronized void write() {
        if (engine == null || file == null) {
            return;
        }
        ProfileSnapshot snapshot;
        try {
            snapshot = engine.snapshot();
        } catch (RuntimeException ex) {
            LOG.warn("Cannot take a profile snapshot: {}", ex.toString());
            return;
        }
        try {
            SnapshotCodec.write(snapshot, file);
        } catch (IOException | RuntimeException ex) {
            LOG.warn("Cannot write profile snapshot {}: {}", file, ex.toString());
        }
        if (store != null) {
            try {
                store.saveState(STATE_KEY, SnapshotCodec.encode(snapshot));
            } catch (RuntimeException ex) {
                LOG.warn("Cannot store the profile snapshot through the state store: {}", ex.toString());
            }
        }
    }

    /** What the profiles were last restored from ("" when profiling started empty). */
    synchronized String restoredFrom() {
        return restoredFrom;
    }

    private static String describe(ProfileSnapshot s, String where) {
        return "profiler: " + s.functions().size() + " function profile(s), " + s.eventsRecorded() + " event(s) from " + where
                + " (taken at " + java.time.Instant.ofEpochMilli(s.takenAtMillis()) + ")";
    }

    private void restoreFromFile() {
        try {
            ProfileSnapshot s = SnapshotCodec.read(file);
            engine.restore(s);
            restoredTakenAt = s.takenAtMillis();
            restoredFrom = describe(s, "snapshot file " + file);
            LOG.info("Restored {} function profiles ({} events) from {}", s.functions().size(), s.eventsRecorded(), file);
        } catch (NoSuchFileException nf) {
            LOG.info("No profile snapshot at {}: starting with empty profiles", file);
        } catch (SnapshotException bad) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + clock.getAsLong());
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                aside = file;
            }
            LOG.error("Cannot restore profiles: {}. Starting with empty profiles; the unreadable file is kept as {}",
                    bad.getMessage(), aside);
        } catch (IOException | RuntimeException io) {
            LOG.error("Cannot read profile snapshot {}: {}. Starting with empty profiles", file, io.toString());
        }
    }

    private void restoreFromStore(StateStore s) {
        try {
            Optional<byte[]> bytes = s.loadState(STATE_KEY);
            if (bytes.isEmpty()) {
                return;
            }
            ProfileSnapshot snapshot = SnapshotCodec.decode(bytes.get(), "state store key '" + STATE_KEY + "'");
            if (snapshot.takenAtMillis() > restoredTakenAt && engine.eventsRecorded() == eventsAtRestore) {
                engine.restore(snapshot);
                restoredTakenAt = snapshot.takenAtMillis();
                eventsAtRestore = engine.eventsRecorded();
                restoredFrom = describe(snapshot, "the state store");
                LOG.info("Restored {} function profiles from the state store", snapshot.functions().size());
            }
        } catch (SnapshotException bad) {
            LOG.error("Ignoring the profile snapshot in the state store: {}", bad.getMessage());
        } catch (RuntimeException ex) {
            LOG.warn("Cannot read the profile snapshot from the state store: {}", ex.toString());
        }
    }
}
