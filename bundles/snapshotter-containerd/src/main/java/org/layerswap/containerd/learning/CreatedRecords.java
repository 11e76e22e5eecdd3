package org.layerswap.containerd.learning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.layerswap.containerd.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The containerd image records {@link PresentImages} created and has not deleted yet, kept in a small Jackson file
 * ({@value #FILE} in the snapshotter's root) that every change rewrites whole through {@link AtomicFile}, so records
 * made before a LayerSwap restart are still deleted when their prediction lapses.
 *
 * <p>Invariants: the file holds the list as it was after some completed change (never a torn one); a record is in the
 * list from its creation by LayerSwap until its deletion was tried and did not fail (deleted, gone, or rewritten by
 * someone else). A file that cannot be read (not JSON, another version, an invalid entry) never stops the start: it is
 * logged by name and moved aside to {@code <file>.unreadable}, and the list starts empty. A failed write is logged and
 * retried with the next change (the list in memory stays the authority while running). Thread-safe.
 */
public final class CreatedRecords {

    private static final Logger LOG = LoggerFactory.getLogger(CreatedRecords.class);
    public static final String FILE = "predicted-records.json";
    /** The file's format version; a file of another version is set aside as unreadable. */
    static final int VERSION = 1;

    /**
     * A record LayerSwap created: its namespace and name in containerd, the image (containerd name) it was made present
     * for, the lease named by its {@value PresentImages#PREDICTED_LABEL} label, and until when (epoch ms) the prediction
     * holding it lasts; {@code untilMillis == 0}: due now (a delete to try again).
     */
    public record Record(String namespace, String name, String image, String lease, long untilMillis) {
        public Record {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(lease, "lease");
        }

        Record until(long millis) {
            return new Record(namespace, name, image, lease, millis);
        }
    }

    record State(int version, List<Record> records) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Null: kept in memory only. */
    private final Path file;
    /** By namespace and name (guarded by this). */
    private final Map<String, Record> records = new LinkedHashMap<>();

    private CreatedRecords(Path file) {
        this.file = file;
    }

    /** A list not persisted (tests and rigs that make images present without a restart to survive). */
    public static CreatedRecords inMemory() {
        return new CreatedRecords(null);
    }

    /** The list persisted in {@code file}, read back when it exists (see the class for an unreadable one). */
    public static CreatedRecords open(Path file) {
        CreatedRecords r = new CreatedRecords(file.toAbsolutePath().normalize());
        r.load();
        return r;
    }

    private void load() {
        try {
            Files.deleteIfExists(AtomicFile.tmp(file));
            if (!Files.exists(file)) {
                return;
            }
            State s = JSON.readValue(file.toFile(), State.class);
            if (s.version() != VERSION) {
                throw new IOException("version " + s.version() + ", this build reads " + VERSION);
            }
            if (s.records() == null) {
                throw new IOException("no \"records\" list");
            }
            s.records().forEach(this::index);
            LOG.info("{} image records LayerSwap created in containerd read back from {}", records.size(), file);
        } catch (IOException | RuntimeException e) {
            records.clear();
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            String moved;
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                moved = "moved to " + aside;
            } catch (IOException | RuntimeException m) {
                moved = "could not be moved aside: " + m;
            }
            LOG.error("cannot read the list of containerd image records LayerSwap created, {} ({}); it is {} and the list starts "
                    + "empty: records it named are not deleted by LayerSwap (delete those labelled {} by hand)", file, e.getMessage(),
                    moved, PresentImages.PREDICTED_LABEL);
        }
    }

    private void index(Record r) {
        records.put(r.namespace() + "\n" + r.name(), r);
    }

    /** Adds or replaces the record of {@code r}'s namespace and name. */
    synchronized void put(Record r) {
        index(r);
        persist();
    }

    /** Puts back records whose delete failed, due at once. */
    synchronized void retry(List<Record> failed) {
        if (!failed.isEmpty()) {
            failed.forEach(r -> index(r.until(0)));
            persist();
        }
    }

    synchronized Optional<Record> get(String namespace, String name) {
        return Optional.ofNullable(records.get(namespace + "\n" + name));
    }

    /** Removes and returns the records made present for {@code image} in {@code namespace}. */
    synchronized List<Record> removeImage(String namespace, String image) {
        return removeIf(r -> r.namespace().equals(namespace) && r.image().equals(image));
    }

    /** Removes and returns the records whose prediction lapsed by {@code nowMillis}. */
    synchronized List<Record> removeDue(long nowMillis) {
        return removeIf(r -> r.untilMillis() <= nowMillis);
    }

    private List<Record> removeIf(java.util.function.Predicate<Record> which) {
        List<Record> out = new ArrayList<>();
        records.values().removeIf(r -> which.test(r) && out.add(r));
        if (!out.isEmpty()) {
            persist();
        }
        return out;
    }

    public synchronized List<Record> all() {
        return List.copyOf(records.values());
    }

    private void persist() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new State(VERSION, List.copyOf(records.values()))));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the list of containerd image records LayerSwap created to {} (tried again at the next change): {}", file,
                    e.toString());
        }
    }
}
