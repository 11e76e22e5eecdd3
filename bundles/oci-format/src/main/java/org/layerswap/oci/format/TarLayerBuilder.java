package org.layerswap.oci.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a layer tar (POSIX ustar, PAX headers for long names) of directories, regular files,
 * symlinks, hardlinks and OCI whiteouts. Used to generate layers for tests, demos and benchmarks;
 * the output is not compressed (wrap {@code out} for gzip).
 */
public final class TarLayerBuilder {

    private static final int BLOCK = 512;
    public static final long DEFAULT_MTIME = 1_700_000_000L;

    private final OutputStream out;
    private long mtime = DEFAULT_MTIME;
    private int uid;
    private int gid;
    private boolean finished;

    public TarLayerBuilder(OutputStream out) {
        this.out = out;
    }

    /** Modification time (epoch seconds) and owner used for the following entries. */
    public TarLayerBuilder with(long mtimeSeconds, int uid, int gid) {
        this.mtime = mtimeSeconds;
        this.uid = uid;
        this.gid = gid;
        return this;
    }

    public TarLayerBuilder directory(String name, int mode) throws IOException {
        header(name.endsWith("/") ? name : name + "/", mode, 0, '5', "");
        return this;
    }

    public TarLayerBuilder file(String name, int mode, byte[] content) throws IOException {
        header(name, mode, content.length, '0', "");
        out.write(content);
        pad(content.length);
        return this;
    }

    public TarLayerBuilder file(String name, String content) throws IOException {
        return file(name, 0644, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A regular file of exactly {@code size} bytes read from {@code content}. */
    public TarLayerBuilder file(String name, int mode, long size, InputStream content) throws IOException {
        header(name, mode, size, '0', "");
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = content.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("content of " + name + " ended " + left + " bytes early");
            }
            out.write(buf, 0, n);
            left -= n;
        }
        pad(size);
        return this;
    }

    public TarLayerBuilder symlink(String name, String target) throws IOException {
        header(name, 0777, 0, '2', target);
        return this;
    }

    public TarLayerBuilder hardlink(String name, String target) throws IOException {
        header(name, 0644, 0, '1', target);
        return this;
    }

    /** An OCI whiteout deleting {@code path} of lower layers: an empty {@code .wh.<name>} file. */
    public TarLayerBuilder whiteout(String path) throws IOException {
        int slash = path.lastIndexOf('/');
        String wh = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
        return file(wh, 0644, new byte[0]);
    }

    /** An OCI opaque whiteout: hides everything lower layers have in {@code dir}. */
    public TarLayerBuilder opaque(String dir) throws IOException {
        String d = dir.endsWith("/") ? dir : dir + "/";
        return file(d + ".wh..wh..opq", 0644, new byte[0]);
    }

    /** Writes the two zero end blocks and flushes (does not close {@code out}). */
    public void finish() throws IOException {
        if (!finished) {
            out.write(new byte[BLOCK * 2]);
            out.flush();
            finished = true;
        }
    }

    private void header(String name, int mode, long size, char type, String link) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100 || linkBytes.length > 100) {
            StringBuilder pax = new StringBuilder();
            if (nameBytes.length > 100) {
                pax.append(paxRecord("path", name));
            }
            if (linkBytes.length > 100) {
                pax.append(paxRecord("linkpath", link));
            }
            byte[] p = pax.toString().getBytes(StandardCharsets.UTF_8);
            rawHeader("PaxHeader", 0644, p.length, 'x', "");
            out.write(p);
            pad(p.length);
        }
        rawHeader(name, mode, size, type, link);
    }

    private static String paxRecord(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int len = body.getBytes(StandardCharsets.UTF_8).length;
        int total = len + String.valueOf(len).length();
        if (String.valueOf(total).length() != String.valueOf(len).length()) {
            total++;
        }
        return total + body;
    }

    private void rawHeader(String name, int mode, long size, char type, String link) throws IOException {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name);
        octal(h, 100, 8, mode & 07777);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 157, 100, link);
        put(h, 257, 6, "ustar");
        h[263] = '0';
        h[264] = '0';
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        out.write(h);
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, Math.min(len, b.length));
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value " + v + " does not fit a " + len + "-byte tar field");
        }
        String padded = "0".repeat(len - 1 - s.length()) + s;
        put(h, off, len - 1, padded);
        h[off + len - 1] = 0;
    }

    private void pad(long size) throws IOException {
        int rem = (int) (size % BLOCK);
        if (rem != 0) {
            out.write(new byte[BLOCK - rem]);
        }
    }
}
