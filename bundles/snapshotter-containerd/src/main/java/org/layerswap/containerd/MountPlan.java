package org.layerswap.containerd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The mounts containerd performs for a snapshot (the snapshotter only describes them; containerd mounts and
 * unmounts). As containerd's own overlay snapshotter:
 * <ul>
 * <li>active without parent: a read-write bind of its {@code fs/};</li>
 * <li>active with parents: overlay, {@code upperdir} its {@code fs/}, {@code workdir} its {@code work/},
 * {@code lowerdir} the committed parents' {@code fs/}, nearest parent first;</li>
 * <li>view with one parent: a read-only bind of the parent's {@code fs/}; without parent: a read-only bind of
 * its own (empty) {@code fs/}; with more: a read-only overlay of the parents (lowerdir only).</li>
 * </ul>
 * Invariant: a committed snapshot's {@code fs/} only ever appears as a lower dir or in a read-only bind, so
 * nothing containerd mounts writes to it.
 */
final class MountPlan {

    /** One mount as containerd's {@code containerd.types.Mount}. */
    record Mount(String type, String source, List<String> options) {
        Mount {
            options = List.copyOf(options);
        }
    }

    private MountPlan() {
    }

    /**
     * @param kind     ACTIVE or VIEW
     * @param fs       the snapshot's own {@code fs/}
     * @param work     the snapshot's {@code work/} (actives)
     * @param parents  the committed parents' {@code fs/}, nearest first
     */
    static List<Mount> of(SnapshotKind kind, Path fs, Path work, List<Path> parents) {
        if (kind == SnapshotKind.COMMITTED) {
            throw new IllegalArgumentException("a committed snapshot has no mounts");
        }
        boolean active = kind == SnapshotKind.ACTIVE;
        if (parents.isEmpty()) {
            return List.of(new Mount("bind", fs.toString(), List.of(active ? "rw" : "ro", "rbind")));
        }
        if (!active && parents.size() == 1) {
            return List.of(new Mount("bind", parents.get(0).toString(), List.of("ro", "rbind")));
        }
        List<String> options = new ArrayList<>();
        if (active) {
            options.add("workdir=" + work);
            options.add("upperdir=" + fs);
        }
        options.add("lowerdir=" + parents.stream().map(Path::toString).collect(Collectors.joining(":")));
        return List.of(new Mount("overlay", "overlay", options));
    }
}
