package org.layerswap.source.oci;

import java.net.URI;
import java.util.regex.Pattern;

import org.layerswap.api.LayerSourceException;

/**
 * A parsed image reference: a repository plus a tag or a digest ({@code repository[:tag]} or
 * {@code repository@digest}). A leading {@code host[:port]/} equal to the configured registry's
 * authority is dropped; the tag defaults to {@code latest}.
 *
 * @param repository the repository path, lower case as the distribution spec requires
 * @param reference  the tag, or the digest after {@code @}
 */
public record ImageReference(String repository, String reference) {

    private static final Pattern REPO = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    /**
     * Parses {@code ref} as written by a user for the registry at {@code registry}.
     *
     * @throws LayerSourceException (not retryable) naming the reference when it is not one
     */
    public static ImageReference parse(String ref, URI registry) throws LayerSourceException {
        String r = ref == null ? "" : ref.trim();
        String authority = registry.getAuthority();
        if (r.startsWith(authority + "/")) {
            r = r.substring(authority.length() + 1);
        }
        String repo;
        String reference;
        int at = r.indexOf('@');
        if (at >= 0) {
            repo = r.substring(0, at);
            reference = r.substring(at + 1);
        } else {
            int colon = r.lastIndexOf(':');
            if (colon > r.lastIndexOf('/')) {
                repo = r.substring(0, colon);
                reference = r.substring(colon + 1);
            } else {
                repo = r;
                reference = "latest";
            }
        }
        if (!REPO.matcher(repo).matches() || reference.isEmpty()) {
            throw new LayerSourceException("not an image reference (want repository[:tag] or repository@digest): '" + ref + "'", false);
        }
        return new ImageReference(repo, reference);
    }
}
