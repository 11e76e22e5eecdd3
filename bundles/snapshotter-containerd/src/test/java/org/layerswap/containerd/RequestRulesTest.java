package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RequestRulesTest {

    static SnapshotException refused(org.junit.jupiter.api.function.Executable e) {
        SnapshotException x = assertThrows(SnapshotException.class, e);
        assertEquals(SnapshotException.Reason.INVALID_ARGUMENT, x.reason());
        return x;
    }

    @Test
    void containerdsNamespacedKeysAreAccepted() throws SnapshotException {
        assertEquals("default/12/extract-1 sha256:ab", RequestRules.requireKey("key", "default/12/extract-1 sha256:ab"));
        assertEquals("../x", RequestRules.requireKey("key", "../x"), "keys never become paths");
    }

    @Test
    void anEmptyKeyIsRefusedNamingTheField() {
        assertTrue(refused(() -> RequestRules.requireKey("name", "")).getMessage().startsWith("name must not be empty"));
        refused(() -> RequestRules.requireKey("key", null));
    }

    @Test
    void aKeyWithNulOrOverTheLimitIsRefused() {
        assertTrue(refused(() -> RequestRules.requireKey("key", "a\0b")).getMessage().contains("NUL"));
        assertTrue(refused(() -> RequestRules.requireKey("key", "x".repeat(RequestRules.MAX_KEY_BYTES + 1))).getMessage()
                .contains("longer than 4096"));
    }

    @Test
    void noParentIsTheEmptyString() throws SnapshotException {
        assertEquals("", RequestRules.optionalParent(null));
        assertEquals("", RequestRules.optionalParent(""));
        assertEquals("p", RequestRules.optionalParent("p"));
    }

    @Test
    void labelsOverContainerdsSizeLimitOrWithAnEmptyKeyAreRefused() throws SnapshotException {
        RequestRules.requireLabels(Map.of("containerd.io/snapshot.ref", "sha256:" + "a".repeat(64)));
        assertTrue(refused(() -> RequestRules.requireLabels(Map.of("big", "v".repeat(4094)))).getMessage().contains("'big' is 4097 bytes"));
        refused(() -> RequestRules.requireLabels(Map.of("", "v")));
    }
}
