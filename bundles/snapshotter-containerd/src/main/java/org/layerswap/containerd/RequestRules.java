package org.layerswap.containerd;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a key, a name and labels must look like before the snapshotter acts on them. containerd's own limits:
 * a label's key and value together at most 4096 bytes, keys non-empty. Keys and names are opaque strings to
 * containerd ({@code <namespace>/<n>/<key>} from its metadata layer); this only refuses what could never be
 * meant: empty, NUL characters, or longer than {@link #MAX_KEY_BYTES}. Keys never become paths here (a
 * snapshot's directory is named by its numeric id), so '/' and '..' are fine.
 */
final class RequestRules {

    static final int MAX_KEY_BYTES = 4096;
    static final int MAX_LABEL_BYTES = 4096;

    private RequestRules() {
    }

    /** @param what "key", "name" or "parent", for the message */
    static String requireKey(String what, String key) throws SnapshotException {
        if (key == null || key.isEmpty()) {
            throw SnapshotException.invalid(what + " must not be empty");
        }
        if (key.indexOf('\0') >= 0) {
            throw SnapshotException.invalid(what + " contains a NUL character: '" + key.replace('\0', '?') + "'");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw SnapshotException.invalid(what + " is longer than " + MAX_KEY_BYTES + " bytes: '" + key.substring(0, 60) + "...'");
        }
        return key;
    }

    /** The optional parent: "" (none) or a valid key. */
    static String optionalParent(String parent) throws SnapshotException {
        return parent == null || parent.isEmpty() ? "" : requireKey("parent", parent);
    }

    static Map<String, String> requireLabels(Map<String, String> labels) throws SnapshotException {
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getKey().isEmpty()) {
                throw SnapshotException.invalid("label key must not be empty");
            }
            int bytes = e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_LABEL_BYTES) {
                throw SnapshotException.invalid("label '" + e.getKey() + "' is " + bytes + " bytes with its value; at most "
                        + MAX_LABEL_BYTES + " allowed");
            }
        }
        return labels;
    }
}
