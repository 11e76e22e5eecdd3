package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class MountPlanTest {

    static final Path FS = Path.of("/s/snapshots/9/fs");
    static final Path WORK = Path.of("/s/snapshots/9/work");
    static final Path P1 = Path.of("/s/snapshots/2/fs");
    static final Path P2 = Path.of("/s/snapshots/1/fs");

    @Test
    void anActiveWithoutParentIsAWritableBindOfItsOwnDirectory() {
        assertEquals(List.of(new MountPlan.Mount("bind", FS.toString(), List.of("rw", "rbind"))),
                MountPlan.of(SnapshotKind.ACTIVE, FS, WORK, List.of()));
    }

    @Test
    void anActiveWithParentsIsAnOverlayWithItsOwnUpperAndTheParentsNearestFirstBelow() {
        assertEquals(List.of(new MountPlan.Mount("overlay", "overlay", List.of("workdir=" + WORK, "upperdir=" + FS,
                        "lowerdir=" + P1 + ":" + P2))),
                MountPlan.of(SnapshotKind.ACTIVE, FS, WORK, List.of(P1, P2)));
    }

    @Test
    void aViewNeverWritesAndOneParentIsAReadOnlyBindOfIt() {
        assertEquals(List.of(new MountPlan.Mount("bind", P1.toString(), List.of("ro", "rbind"))),
                MountPlan.of(SnapshotKind.VIEW, FS, WORK, List.of(P1)));
        assertEquals(List.of(new MountPlan.Mount("overlay", "overlay", List.of("lowerdir=" + P1 + ":" + P2))),
                MountPlan.of(SnapshotKind.VIEW, FS, WORK, List.of(P1, P2)));
        assertEquals(List.of(new MountPlan.Mount("bind", FS.toString(), List.of("ro", "rbind"))),
                MountPlan.of(SnapshotKind.VIEW, FS, WORK, List.of()));
    }

    @Test
    void aCommittedSnapshotHasNoMounts() {
        assertThrows(IllegalArgumentException.class, () -> MountPlan.of(SnapshotKind.COMMITTED, FS, WORK, List.of()));
    }
}
