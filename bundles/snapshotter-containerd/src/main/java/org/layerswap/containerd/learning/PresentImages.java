package org.layerswap.containerd.learning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.api.LayerSourceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A predicted image made <em>present</em> in containerd, as a pull leaves it, once its layer snapshots are registered
 * ({@link PredictedSnapshots}): its config and manifest in containerd's content store (under the registration's lease)
 * and its image record, so a platform that pulls only when absent (kubelet's {@code IfNotPresent}, {@code ctr run} of a
 * present image) starts it without any registry request.
 *
 * <p>References for containerd's garbage collector, as its own pull writes them: the config carries
 * {@code containerd.io/gc.ref.snapshot.<snapshotter>=<top chain id>}, the manifest
 * {@code containerd.io/gc.ref.content.config} and {@code .l.<i>} for its layers (absent layer blobs are fine: the
 * snapshots stand for them), the image record targets the manifest. Under CRI's namespace ({@value #CRI_NAMESPACE})
 * the records are the three CRI's pull creates, each labelled {@code io.cri-containerd.image=managed}: the name, the
 * repo digest ({@code repo@sha256:...}) and the image id (the config's digest).
 *
 * <p>Invariant: only records this class created, and that still carry its label {@value #PREDICTED_LABEL}, are ever
 * deleted ({@link #release}); a name the platform (or anything else) already had is left alone and not remembered, and
 * a record rewritten since (an image import or a pull replacing its labels) is the platform's now. Image records are roots of containerd's collector that no
 * lease holds, so they must be released when the prediction lapses; then the collector takes content and snapshots
 * once the lease has expired too.
 *
 * <p>What was created is kept in {@link CreatedRecords} (persisted by the component), each record with the time its
 * prediction lasts until: {@link #release} deletes an image's records when its registration lapses or loses a layer,
 * {@link #lapse} those whose time has passed, which after a restart covers the records made by the previous run (their
 * registrations are not in memory any more): a record whose prediction lasted past the restart stays until its time
 * (or until a new registration of its image takes it over and extends it); one that lapsed meanwhile is deleted at the
 * first {@link #lapse}. A delete that fails (containerd unreachable) keeps the record, due at once, for the next
 * {@link #lapse}. Thread-safe.
 */
public final class PresentImages {

    private static final Logger LOG = LoggerFactory.getLogger(PresentImages.class);
    /** The namespace containerd's CRI plugin works in. */
    public static final String CRI_NAMESPACE = "k8s.io";
    static final String CRI_LABEL = "io.cri-containerd.image";
    static final String PREDICTED_LABEL = "org.layerswap.predicted";

    /** The documents of an image, read through LayerSwap's layer sources. */
    @FunctionalInterface
    public interface Documents {
        ImageDocuments of(KnownImage image) throws LayerSourceException;
    }

    private final ImageRegistry registry;
    private final String snapshotter;
    private final Documents documents;
    private final CreatedRecords records;

    /** Records kept in memory only. */
    public PresentImages(ImageRegistry registry, String snapshotter, Documents documents) {
        this(registry, snapshotter, documents, CreatedRecords.inMemory());
    }

    public PresentImages(ImageRegistry registry, String snapshotter, Documents documents, CreatedRecords records) {
        this.registry = registry;
        this.snapshotter = snapshotter;
        this.documents = documents;
        this.records = records;
    }

    /**
     * Writes the image's config and manifest under {@code lease} and creates its records where absent; returns the
     * names created now. Its layer snapshots must be registered already. The records are kept until
     * {@code untilMillis} (the registration's lease expiry); records of this image created earlier (a renewal, or a run
     * before a restart) are kept that long too.
     */
    public List<String> make(String namespace, String lease, KnownImage image, long untilMillis) throws LayerSourceException {
        ImageDocuments d = documents.of(image);
        List<String> layers = d.layers().stream().map(ImageDocuments.Blob::digest).toList();
        List<String> known = image.layers().stream().map(l -> l.id().digest()).toList();
        if (!layers.equals(known)) {
            throw new IllegalStateException("image " + image.containerdName() + ": its manifest " + d.manifest().digest() + " names layers "
                    + layers + ", LayerSwap registered " + known);
        }
        List<String> chain = image.chainIds();
        registry.writeContent(namespace, lease, d.config(), Map.of(ImageRegistry.GC_REF_SNAPSHOT + snapshotter, chain.get(chain.size() - 1)));
        Map<String, String> refs = new LinkedHashMap<>();
        refs.put(ImageRegistry.GC_REF_CONTENT + "config", d.config().digest());
        for (int i = 0; i < layers.size(); i++) {
            refs.put(ImageRegistry.GC_REF_CONTENT + "l." + i, layers.get(i));
        }
        registry.writeContent(namespace, lease, d.manifest(), refs);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREDICTED_LABEL, lease);
        if (CRI_NAMESPACE.equals(namespace)) {
            labels.put(CRI_LABEL, "managed");
        }
        List<String> now = new ArrayList<>();
        for (String name : names(namespace, image.containerdName(), d)) {
            if (registry.createImage(namespace, name, d.manifest(), labels)) {
                records.put(new CreatedRecords.Record(namespace, name, image.containerdName(), lease, untilMillis));
                now.add(name);
            } else {
                records.get(namespace, name).filter(r -> r.image().equals(image.containerdName()) && r.untilMillis() < untilMillis)
                        .ifPresent(r -> records.put(r.until(untilMillis)));
            }
        }
        LOG.info("image {} present in containerd namespace {} under lease {}: records created {}", image.containerdName(), namespace,
                lease, now);
        return now;
    }

    /**
     * Deletes the records of {@code image} in {@code namespace} that {@link #make} created and that still carry its
     * label; the others stay.
     */
    public void release(String namespace, KnownImage image) {
        delete(records.removeImage(namespace, image.containerdName()));
    }

    /** Deletes (as {@link #release}) the records whose prediction lapsed by {@code nowMillis}; returns how many were due. */
    public int lapse(long nowMillis) {
        List<CreatedRecords.Record> due = records.removeDue(nowMillis);
        delete(due);
        return due.size();
    }

    private void delete(List<CreatedRecords.Record> mine) {
        List<CreatedRecords.Record> failed = new ArrayList<>();
        for (CreatedRecords.Record r : mine) {
            try {
                if (!registry.deleteImageIfLabelled(r.namespace(), r.name(), PREDICTED_LABEL)) {
                    LOG.info("containerd image record {} in {} was rewritten by someone else (or is gone): left as it is", r.name(),
                            r.namespace());
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot delete containerd image record {} in {} (tried again at the next lapse): {}", r.name(), r.namespace(),
                        e.toString());
                failed.add(r);
            }
        }
        records.retry(failed);
    }

    /** The records created and not deleted yet. */
    public List<CreatedRecords.Record> records() {
        return records.all();
    }

    /** The records a pull creates: the name; under CRI also the repo digest and the image id. */
    static List<String> names(String namespace, String name, ImageDocuments d) {
        if (!CRI_NAMESPACE.equals(namespace)) {
            return List.of(name);
        }
        return List.of(name, repository(name) + "@" + d.manifest().digest(), d.config().digest());
    }

    /** {@code host:5000/fn:1} and {@code host:5000/fn@sha256:...} name repository {@code host:5000/fn}. */
    static String repository(String name) {
        int at = name.indexOf('@');
        if (at >= 0) {
            return name.substring(0, at);
        }
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }
}
