package org.layerswap.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * containerd's snapshotter semantics over {@link MetadataStore} (what exists), {@link SnapshotDirs} (where its
 * content is) and {@link MountPlan} (what containerd mounts). Every call is serialised (one lock): containerd
 * issues few snapshot operations next to the work they enable.
 *
 * <p>Ordering invariants, so that a crash at any point leaves nothing owned and nothing lost:
 * <ul>
 * <li>Prepare/View create the directory first, then record the snapshot: a crash between leaves an orphan
 * directory, deleted by {@link #cleanup()} or replaced when its id is handed out again (no record owns it);</li>
 * <li>Remove drops the record first, then the directory: a crash between again leaves only an orphan;</li>
 * <li>Commit is a metadata change (the active's {@code fs/} becomes the committed content in place); its
 * {@code work/} goes afterwards (and at cleanup when a crash came first).</li>
 * </ul>
 * Errors are {@link SnapshotException}s with containerd's reasons: NOT_FOUND (key or parent unknown),
 * ALREADY_EXISTS (key or commit name taken), FAILED_PRECONDITION (mounts or commit of a snapshot of the wrong
 * kind, remove of a snapshot with children), INVALID_ARGUMENT (bad key or labels, a parent that is not
 * committed, an unsupported update field).
 */
public final class Snapshotter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

    private final MetadataStore metadata;
    private final SnapshotDirs dirs;
    private final Clock clock;
    private final StoreLayers store;
    /** Pins on the store layers backing committed snapshots, by snapshot id: held while the snapshot exists. */
    private final Map<Long, LayerLease> leases = new HashMap<>();

    /** A snapshotter whose snapshots all hold their own content. */
    public Snapshotter(Path root, Clock clock) throws IOException {
        this(root, clock, StoreLayers.NONE);
    }

    /**
     * @param root  the snapshotter's directory (metadata file and {@code snapshots/}); created when missing. Its
     *              path must not contain ':' or ',' (they separate overlay's mount options)
     * @param store the layer store's unpacked layers, which {@link #commitFromStore} snapshots are backed by; their
     *              layers are pinned again here (a layer gone from the store is logged; mounting over it then fails)
     */
    public Snapshotter(Path root, Clock clock, StoreLayers store) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        if (abs.toString().contains(":") || abs.toString().contains(",")) {
            throw new IllegalArgumentException("snapshotter root must not contain ':' or ',' (overlay mount options): " + abs);
        }
        Files.createDirectories(abs);
        this.dirs = new SnapshotDirs(abs);
        this.metadata = new MetadataStore(abs);
        this.clock = clock;
        this.store = store;
        for (SnapshotInfo s : metadata.all()) {
            if (s.fromStore()) {
                store.lease(LayerId.of(s.storeLayer())).ifPresentOrElse(l -> leases.put(s.id(), l),
                        () -> LOG.warn("containerd snapshot '{}' is backed by layer {}, which LayerSwap's store no longer holds: "
                                + "snapshots over it cannot be mounted until it is removed", s.name(), s.storeLayer()));
            }
        }
    }

    public synchronized List<MountPlan.Mount> prepare(String key, String parent, Map<String, String> labels)
            throws SnapshotException, IOException {
        return create(SnapshotKind.ACTIVE, key, parent, labels);
    }

    public synchronized List<MountPlan.Mount> view(String key, String parent, Map<String, String> labels)
            throws SnapshotException, IOException {
        return create(SnapshotKind.VIEW, key, parent, labels);
    }

    private List<MountPlan.Mount> create(SnapshotKind kind, String key, String parent, Map<String, String> labels)
            throws SnapshotException, IOException {
        RequestRules.requireKey("key", key);
        String p = RequestRules.optionalParent(parent);
        RequestRules.requireLabels(labels);
        if (metadata.get(key).isPresent()) {
            throw SnapshotException.alreadyExists(key);
        }
        List<Path> chain = p.isEmpty() ? List.of() : committedChain(p);
        long id = metadata.allocateId();
        if (dirs.exists(id)) {
            dirs.delete(id); // ids from nextId on are owned by no record: a crash left this between mkdir and the record
        }
        dirs.create(id, kind == SnapshotKind.ACTIVE);
        var now = clock.instant();
        SnapshotInfo info = new SnapshotInfo(id, key, p, kind, now, now, labels);
        try {
            metadata.put(null, info);
        } catch (IOException e) {
            dirs.delete(id);
            throw e;
        }
        return MountPlan.of(kind, dirs.fs(id), dirs.work(id), chain);
    }

    /**
     * Records a committed snapshot {@code name} whose content is the store's unpacked {@code layer} (pinned while
     * the snapshot exists; nothing is copied and nothing ever writes it). True when {@code name} is committed
     * with {@code parent} afterwards (also when it already was); false when the store does not hold the layer,
     * or {@code name} exists otherwise (then containerd unpacks as usual).
     */
    public synchronized boolean commitFromStore(String name, String parent, Map<String, String> labels, LayerId layer)
            throws SnapshotException, IOException {
        RequestRules.requireKey("name", name);
        String p = RequestRules.optionalParent(parent);
        RequestRules.requireLabels(labels);
        var existing = metadata.get(name);
        if (existing.isPresent()) {
            return existing.get().kind() == SnapshotKind.COMMITTED && existing.get().parent().equals(p);
        }
        if (!p.isEmpty()) {
            committedChain(p);
        }
        var lease = store.lease(layer);
        if (lease.isEmpty()) {
            return false;
        }
        var now = clock.instant();
        SnapshotInfo info = new SnapshotInfo(metadata.allocateId(), name, p, SnapshotKind.COMMITTED, now, now, labels, layer.digest());
        try {
            metadata.put(null, info);
        } catch (IOException | RuntimeException e) {
            lease.get().close();
            throw e;
        }
        leases.put(info.id(), lease.get());
        return true;
    }

    /** The content directory of a committed or active snapshot: its own {@code fs/}, or the pinned store layer. */
    private Path content(SnapshotInfo s) throws SnapshotException {
        if (!s.fromStore()) {
            return dirs.fs(s.id());
        }
        LayerLease l = leases.get(s.id());
        if (l == null) {
            throw SnapshotException.precondition("snapshot '" + s.name() + "' is backed by layer " + s.storeLayer()
                    + ", which LayerSwap's store no longer holds");
        }
        return l.path();
    }

    /** The content of {@code parent} and its ancestors, nearest first; the parent must be committed. */
    private List<Path> committedChain(String parent) throws SnapshotException {
        SnapshotInfo p = metadata.get(parent).orElseThrow(() -> SnapshotException.notFound("parent", parent));
        if (p.kind() != SnapshotKind.COMMITTED) {
            throw SnapshotException.invalid("parent '" + parent + "' is not a committed snapshot (it is " + p.kind() + ")");
        }
        List<Path> chain = new ArrayList<>();
        for (SnapshotInfo i = p; i != null; i = i.hasParent() ? metadata.get(i.parent()).orElse(null) : null) {
            chain.add(content(i));
        }
        return chain;
    }

    public synchronized List<MountPlan.Mount> mounts(String key) throws SnapshotException {
        SnapshotInfo s = existing(key);
        if (s.kind() == SnapshotKind.COMMITTED) {
            throw SnapshotException.precondition("snapshot '" + key + "' is committed: only active and view snapshots have mounts");
        }
        return MountPlan.of(s.kind(), dirs.fs(s.id()), dirs.work(s.id()), s.hasParent() ? committedChain(s.parent()) : List.of());
    }

    public synchronized void commit(String name, String key, Map<String, String> labels) throws SnapshotException, IOException {
        RequestRules.requireKey("name", name);
        RequestRules.requireLabels(labels);
        SnapshotInfo s = existing(key);
        if (s.kind() != SnapshotKind.ACTIVE) {
            throw SnapshotException.precondition("snapshot '" + key + "' is " + s.kind() + ": only an active snapshot can be committed");
        }
        if (metadata.get(name).isPresent()) {
            throw SnapshotException.alreadyExists(name);
        }
        metadata.put(key, s.committedAs(name, labels, clock.instant()));
        dirs.dropWork(s.id());
    }

    public synchronized void remove(String key) throws SnapshotException, IOException {
        SnapshotInfo s = existing(key);
        if (metadata.hasChildren(key)) {
            throw SnapshotException.precondition("snapshot '" + key + "' has children: remove them first");
        }
        metadata.remove(key);
        LayerLease lease = leases.remove(s.id());
        if (lease != null) {
            lease.close(); // the store layer stays: only the pin goes
        }
        dirs.delete(s.id());
    }

    public synchronized SnapshotInfo stat(String key) throws SnapshotException {
        return existing(key);
    }

    /**
     * Updates labels, the only mutable part. {@code fieldPaths} empty: the labels are replaced by
     * {@code labels}; {@code "labels"}: the same; {@code "labels.<k>"}: label k is set from {@code labels} or
     * removed when absent there. Any other path is INVALID_ARGUMENT.
     */
    public synchronized SnapshotInfo update(String key, Map<String, String> labels, List<String> fieldPaths)
            throws SnapshotException, IOException {
        SnapshotInfo s = existing(key);
        RequestRules.requireLabels(labels);
        Map<String, String> next;
        if (fieldPaths.isEmpty() || fieldPaths.contains("labels")) {
            next = labels;
        } else {
            next = new HashMap<>(s.labels());
            for (String path : fieldPaths) {
                if (!path.startsWith("labels.") || path.length() == "labels.".length()) {
                    throw SnapshotException.invalid("cannot update field '" + path + "' of snapshot '" + key
                            + "': only labels and labels.<key> are mutable");
                }
                String k = path.substring("labels.".length());
                if (labels.containsKey(k)) {
                    next.put(k, labels.get(k));
                } else {
                    next.remove(k);
                }
            }
        }
        SnapshotInfo updated = s.withLabels(next, clock.instant());
        metadata.put(key, updated);
        return updated;
    }

    /** Every snapshot matching {@code filter} ({@link ListFilter}), in creation order. */
    public synchronized List<SnapshotInfo> list(Predicate<SnapshotInfo> filter) {
        return metadata.all().stream().filter(filter).collect(Collectors.toList());
    }

    public synchronized SnapshotDirs.Usage usage(String key) throws SnapshotException, IOException {
        return SnapshotDirs.usage(content(existing(key)));
    }

    /**
     * Deletes what no snapshot owns: directories without a record (crash leftovers of Prepare/Remove) and the
     * {@code work/} of committed snapshots (a crash during Commit). Returns the number of directories deleted.
     */
    public synchronized int cleanup() throws IOException {
        Set<Long> owned = metadata.all().stream().map(SnapshotInfo::id).collect(Collectors.toSet());
        List<Long> orphans = dirs.deleteOrphans(owned);
        int works = 0;
        for (SnapshotInfo s : metadata.all()) {
            if (s.kind() == SnapshotKind.COMMITTED && Files.exists(dirs.work(s.id()))) {
                dirs.dropWork(s.id());
                works++;
            }
        }
        if (!orphans.isEmpty() || works > 0) {
            LOG.info("containerd snapshotter cleanup: deleted {} orphan snapshot directories {} and {} work dirs", orphans.size(),
                    orphans, works);
        }
        return orphans.size() + works;
    }

    /** Releases the store pins (the snapshots stay recorded; a new instance pins them again). */
    @Override
    public synchronized void close() {
        leases.values().forEach(LayerLease::close);
        leases.clear();
    }

    /** Where snapshots' own content lives. */
    public SnapshotDirs dirs() {
        return dirs;
    }

    private SnapshotInfo existing(String key) throws SnapshotException {
        RequestRules.requireKey("key", key);
        return metadata.get(key).orElseThrow(() -> SnapshotException.notFound("snapshot", key));
    }
}
