package org.layerswap.store.layers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.api.LayerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's tamper check (issue 14): a resident layer is compared with the digest tree recorded when it was
 * unpacked; a layer found modified (or whose tree is unreadable) leaves the index, goes to quarantine and is told to the
 * store's listeners as removed, so it is fetched and verified again on its next use.
 *
 * <p>Invariant: a layer is quarantined at most once per entry: only the caller whose removal of that very entry from
 * the index succeeds (under the store's lock) counts, tells and moves it; a layer still in use is moved aside, not
 * deleted ({@link StoreLayout#quarantineLayer}).
 */
final class TamperGuard {

    private static final Logger LOG = LoggerFactory.getLogger(TamperGuard.class);

    private final StoreLayout layout;
    private final StoreEvents events;
    private final Map<LayerId, FileLayerStore.Entry> resident;
    private final Object lock;
    private final AtomicLong quarantined = new AtomicLong();

    /** {@code resident}: the store's index, changed only under {@code lock}. */
    TamperGuard(StoreLayout layout, StoreEvents events, Map<LayerId, FileLayerStore.Entry> resident, Object lock) {
        this.layout = layout;
        this.events = events;
        this.resident = resident;
        this.lock = lock;
    }

    /** Layers quarantined through this guard. */
    long quarantined() {
        return quarantined.get();
    }

    /** "" when {@code e} matches its digest tree (re-stamped when only stamps moved), else what changed (it is quarantined). */
    String verify(FileLayerStore.Entry e) {
        LayerTree tree = e.tree;
        if (tree == null) {
            return "";
        }
        long started = e.window.start();
        LayerTree.Verdict v = tree.check(e.path);
        switch (v.kind()) {
            case INTACT -> {
                e.window.intact(started);
                return "";
            }
            case RESTAMPED -> {
                e.window.intact(started);
                e.tree = v.tree();
                try {
                    v.tree().write(layout.treeFile(e.id), layout.tmp());
                } catch (IOException ex) {
                    LOG.warn("layer {}: cannot rewrite its digest tree: {}", e.id, ex.toString());
                }
                return "";
            }
            default -> {
                quarantine(e, v.reason());
                return v.reason();
            }
        }
    }

    /**
     * Start-up, for a layer just put in the index: reads its tree and checks the layer (quarantined when modified or
     * when the tree is unreadable); a layer committed before trees existed (or just before a crash) gets its tree
     * recorded from what is on disk.
     */
    void recoverTree(FileLayerStore.Entry e) throws IOException {
        Path f = layout.treeFile(e.id);
        if (!Files.isRegularFile(f)) {
            LOG.info("layer {} has no digest tree (committed by an older version or just before a crash): recording it now", e.id);
            long started = e.window.start();
            e.tree = LayerTree.scan(e.path);
            e.window.intact(started);
            e.tree.write(f, layout.tmp());
            return;
        }
        try {
            e.tree = LayerTree.read(f);
        } catch (IOException ex) {
            quarantine(e, "its digest tree is unreadable: " + ex.getMessage());
            return;
        }
        verify(e);
    }

    private void quarantine(FileLayerStore.Entry e, String reason) {
        boolean inUse;
        synchronized (lock) {
            if (!resident.remove(e.id, e)) {
                return; // quarantined or evicted meanwhile
            }
            inUse = e.refs.get() > 0;
        }
        quarantined.incrementAndGet();
        events.removed(e.id);
        LOG.warn("layer {} was modified on disk ({}): quarantined, it is fetched and verified again on next use", e.id, reason);
        try {
            layout.quarantineLayer(e.id, e.path, inUse);
        } catch (IOException ex) {
            LOG.warn("layer {}: cannot move it to quarantine: {}", e.id, ex.toString());
        }
    }
}
