package org.layerswap.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.config.SecretToken;

/**
 * Opens a blob on a peer's endpoint ({@link BlobServer}): {@code GET <endpoint>/layerswap/cluster/blobs/<digest>} with
 * the cluster token as bearer and, past byte 0, {@code Range: bytes=<offset>-}. A 206 must start at the offset asked
 * for; a 200 to a ranged request is read from its start with the first {@code offset} bytes skipped. 401/403/404 are
 * not retryable (wrong token, the peer no longer holds it); the rest is. Timeouts bound both connecting and every read
 * (a stalled peer fails instead of hanging the store's worker).
 */
public final class PeerClient {

    public static final String PATH = "/layerswap/cluster/blobs/";

    private final SecretToken token;
    private final int timeoutMillis;

    public PeerClient(SecretToken token, Duration timeout) {
        this.token = token;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    public InputStream open(String endpoint, LayerId id, long offset) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + PATH + id.digest()).toURL().openConnection();
        c.setConnectTimeout(timeoutMillis);
        c.setReadTimeout(timeoutMillis);
        c.setInstanceFollowRedirects(false);
        c.setRequestProperty("Authorization", token.authorization());
        if (offset > 0) {
            c.setRequestProperty("Range", "bytes=" + offset + "-");
        }
        int status = c.getResponseCode();
        if (status == 206) {
            String range = String.valueOf(c.getHeaderField("Content-Range"));
            if (!range.startsWith("bytes " + offset + "-")) {
                c.disconnect();
                throw new LayerSourceException("peer " + endpoint + " answered Range " + offset + "- with '" + range + "'", true);
            }
            return c.getInputStream();
        }
        if (status == 200) {
            InputStream in = c.getInputStream();
            in.skipNBytes(offset);
            return in;
        }
        c.disconnect();
        boolean retryable = status != 401 && status != 403 && status != 404;
        throw new LayerSourceException("peer " + endpoint + " answered HTTP " + status + " for " + id, retryable);
    }
}
