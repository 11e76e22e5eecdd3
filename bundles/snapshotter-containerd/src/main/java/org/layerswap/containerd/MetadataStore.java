package org.layerswap.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The snapshots' metadata, persisted as one Jackson-written JSON file ({@code metadata.json}: the next id and
 * every snapshot) that each change rewrites whole: written to {@code metadata.json.tmp}, fsynced, renamed over
 * the old file, directory fsynced ({@link AtomicFile}). So the file on disk is always one complete state, the one before or after
 * a change, whatever crashes (LayerSwap or containerd): no journal replay, no partial record. The cost (the
 * whole file per change) is fine for the thousands of snapshots one node holds; containerd's own bolt database
 * above the proxy stays the authority on which keys it wants.
 *
 * <p>Invariant: {@link #nextId()} is larger than the id of every recorded snapshot (the counter is persisted
 * with each change), so a recorded snapshot's directory is never handed to a new one; a directory at an id
 * from {@code nextId} on belongs to no record (a crash came between its mkdir and its record). Not
 * thread-safe: {@link Snapshotter} serialises every call.
 */
public final class MetadataStore {

    static final String FILE = "metadata.json";
    /** The file's format version; a file of another version is refused, naming both. */
    static final int VERSION = 1;

    record State(int version, long nextId, List<Stored> snapshots) {
    }

    /** A snapshot as written: times as ISO-8601 text (Jackson's core, no java.time module needed). */
    record Stored(long id, String name, String parent, SnapshotKind kind, String created, String updated,
                  Map<String, String> labels, String storeLayer) {
        static Stored of(SnapshotInfo i) {
            return new Stored(i.id(), i.name(), i.parent(), i.kind(), i.created().toString(), i.updated().toString(), i.labels(),
                    i.storeLayer());
        }

        SnapshotInfo info() {
            return new SnapshotInfo(id, name, parent, kind, Instant.parse(created), Instant.parse(updated), labels, storeLayer);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Path file;
    private final Map<String, SnapshotInfo> byName = new LinkedHashMap<>();
    private long nextId = 1;

    /** Loads {@code dir/metadata.json} when it exists (a fresh store otherwise); the directory must exist. */
    public MetadataStore(Path dir) throws IOException {
        this.file = dir.resolve(FILE);
        Files.deleteIfExists(AtomicFile.tmp(file));
        if (Files.exists(file)) {
            State s;
            try {
                s = JSON.readValue(file.toFile(), State.class);
            } catch (IOException e) {
                throw new IOException("cannot read the snapshot metadata " + file + ": " + e.getMessage(), e);
            }
            if (s.version() != VERSION) {
                throw new IOException("snapshot metadata " + file + " has version " + s.version() + ", this build reads " + VERSION);
            }
            for (Stored stored : s.snapshots()) {
                SnapshotInfo i;
                try {
                    i = stored.info();
                } catch (RuntimeException e) {
                    throw new IOException("snapshot metadata " + file + " holds an invalid entry " + stored + ": " + e.getMessage(), e);
                }
                byName.put(i.name(), i);
                nextId = Math.max(nextId, i.id() + 1);
            }
            nextId = Math.max(nextId, s.nextId());
        }
    }

    public Optional<SnapshotInfo> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<SnapshotInfo> all() {
        return List.copyOf(byName.values());
    }

    public boolean hasChildren(String name) {
        return byName.values().stream().anyMatch(i -> i.parent().equals(name));
    }

    /** The id the next new snapshot gets (not yet handed out). */
    public long nextId() {
        return nextId;
    }

    /** Hands out an id and persists the counter with the next change. */
    long allocateId() {
        return nextId++;
    }

    /** Adds or replaces {@code info} (under its name) and, when renamed, drops {@code oldName}; then persists. */
    void put(String oldName, SnapshotInfo info) throws IOException {
        Map<String, SnapshotInfo> before = new LinkedHashMap<>(byName);
        if (oldName != null) {
            byName.remove(oldName);
        }
        byName.put(info.name(), info);
        persistOrRestore(before);
    }

    void remove(String name) throws IOException {
        Map<String, SnapshotInfo> before = new LinkedHashMap<>(byName);
        byName.remove(name);
        persistOrRestore(before);
    }

    /** The in-memory state equals the file's after every call: a failed write puts the old state back. */
    private void persistOrRestore(Map<String, SnapshotInfo> before) throws IOException {
        try {
            write();
        } catch (IOException | RuntimeException e) {
            byName.clear();
            byName.putAll(before);
            throw new IOException("cannot persist the snapshot metadata " + file + ": " + e.getMessage(), e);
        }
    }

    private void write() throws IOException {
        AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(new State(VERSION, nextId, byName.values().stream().map(Stored::of).toList())));
    }
}
