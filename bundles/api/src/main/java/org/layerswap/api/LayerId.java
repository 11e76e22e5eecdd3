package org.layerswap.api;

import java.util.regex.Pattern;

/**
 * A layer's identity: its OCI content digest ({@code algorithm:hex}), e.g. {@code sha256:9f86...}.
 * Content addressing is what lets functions share layers and lets the store verify what it pulls.
 */
public record LayerId(String digest) implements Comparable<LayerId> {

    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern SHA512 = Pattern.compile("sha512:[0-9a-f]{128}");

    public LayerId {
        if (digest == null || !(SHA256.matcher(digest).matches() || SHA512.matcher(digest).matches())) {
            throw new IllegalArgumentException("not an OCI layer digest (want sha256:<64 lowercase hex> or "
                    + "sha512:<128 lowercase hex>): " + abbreviate(digest));
        }
    }

    /** Parses a digest, naming the offending text in the error. */
    public static LayerId of(String digest) {
        return new LayerId(digest == null ? null : digest.trim());
    }

    public String algorithm() {
        return digest.substring(0, digest.indexOf(':'));
    }

    public String hex() {
        return digest.substring(digest.indexOf(':') + 1);
    }

    /** The first 12 hex digits, as container tools print them. */
    public String shortForm() {
        return hex().substring(0, 12);
    }

    @Override
    public int compareTo(LayerId o) {
        return digest.compareTo(o.digest);
    }

    @Override
    public String toString() {
        return digest;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 77) + "...'";
    }
}
