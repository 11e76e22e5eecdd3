package org.layerswap.containerd;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * OCI chain ids (image-spec "ChainID"), as containerd names committed layer snapshots: the chain id of the
 * first layer is its diff id; each further one is {@code sha256(<previous chain id> + " " + <diff id>)}, the
 * digest written {@code sha256:<hex>}. Diff ids are the digests of the uncompressed layer tars, listed in the
 * image config's {@code rootfs.diff_ids}.
 */
public final class ChainIds {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private ChainIds() {
    }

    /** The chain id of every prefix of {@code diffIds} (base first); a malformed diff id is refused, naming it. */
    public static List<String> of(List<String> diffIds) {
        List<String> chain = new ArrayList<>(diffIds.size());
        String previous = null;
        for (String diffId : diffIds) {
            if (diffId == null || !DIGEST.matcher(diffId).matches()) {
                throw new IllegalArgumentException("not a sha256 diff id (want sha256:<64 lowercase hex>): " + diffId);
            }
            previous = previous == null ? diffId : sha256(previous + " " + diffId);
            chain.add(previous);
        }
        return chain;
    }

    private static String sha256(String s) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
