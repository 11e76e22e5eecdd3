package org.layerswap.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;

/** Test blobs: random bytes with their descriptor; streams that are cut after some bytes. */
final class Blobs {

    private Blobs() {
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static LayerDescriptor descriptor(byte[] blob) {
        try {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
            return new LayerDescriptor(LayerId.of("sha256:" + hex), blob.length, LayerDescriptor.OCI_TAR_GZIP);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code blob} from {@code offset}, failing with an IOException after {@code cutAfter} bytes (negative: never). */
    static InputStream cut(byte[] blob, long offset, long cutAfter) {
        return new InputStream() {
            final ByteArrayInputStream in = new ByteArrayInputStream(blob, (int) offset, blob.length - (int) offset);
            long sent;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (cutAfter >= 0 && sent >= cutAfter) {
                    throw new IOException("connection reset (test cut)");
                }
                int max = cutAfter >= 0 ? (int) Math.min(len, cutAfter - sent) : len;
                int n = in.read(b, off, max);
                if (n > 0) {
                    sent += n;
                }
                return n;
            }
        };
    }
}
