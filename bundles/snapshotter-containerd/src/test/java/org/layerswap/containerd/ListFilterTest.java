package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ListFilterTest {

    static final SnapshotInfo S = new SnapshotInfo(1, "ns/3/sha256:aa", "ns/2/base", SnapshotKind.COMMITTED, Instant.EPOCH,
            Instant.EPOCH, Map.of("containerd.io/gc.root", "x", "team", "a,b"));

    static boolean matches(String... filters) throws SnapshotException {
        return ListFilter.parse(List.of(filters)).test(S);
    }

    @Test
    void noFilterMatchesEverything() throws SnapshotException {
        assertTrue(matches());
    }

    @Test
    void fieldsCompareByEqualityAndKindIgnoresCase() throws SnapshotException {
        assertTrue(matches("name==ns/3/sha256:aa"));
        assertTrue(matches("parent==\"ns/2/base\""));
        assertTrue(matches("kind==Committed"));
        assertFalse(matches("kind==active"));
        assertTrue(matches("kind!=active"));
    }

    @Test
    void labelsByPlainOrQuotedKeyAndBarePresence() throws SnapshotException {
        assertTrue(matches("labels.\"containerd.io/gc.root\""));
        assertTrue(matches("labels.team==\"a,b\""));
        assertFalse(matches("labels.missing"));
    }

    @Test
    void termsOfOneFilterAllMatchAndAnyFilterSuffices() throws SnapshotException {
        assertFalse(matches("kind==committed,name==other"));
        assertTrue(matches("name==other", "kind==committed"));
    }

    @Test
    void anUnsupportedFilterIsInvalidNamingTheTerm() {
        SnapshotException e = assertThrows(SnapshotException.class, () -> matches("name~=ns.*"));
        assertEquals(SnapshotException.Reason.INVALID_ARGUMENT, e.reason());
        assertTrue(e.getMessage().contains("name~=ns.*"), e.getMessage());
        assertThrows(SnapshotException.class, () -> matches("size==3"));
    }
}
