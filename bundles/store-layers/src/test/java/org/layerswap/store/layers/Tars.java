package org.layerswap.store.layers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds arbitrary (also hostile) tars with commons-compress for tests. */
final class Tars {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    Tars() {
        tar = new TarArchiveOutputStream(bytes);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    Tars dir(String name, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true); // keep a leading '/' as given
        e.setMode(mode);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    Tars file(String name, String content) throws IOException {
        return file(name, 0644, content.getBytes(StandardCharsets.UTF_8), 0, 0, 1_600_000_000L);
    }

    Tars file(String name, int mode, byte[] content, int uid, int gid, long mtimeSeconds) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true); // preserve leading '/' and '..' as given
        e.setMode(mode);
        e.setSize(content.length);
        e.setIds(uid, gid);
        e.setModTime(mtimeSeconds * 1000);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
        return this;
    }

    Tars zeros(String name, int size) throws IOException {
        return file(name, 0644, new byte[size], 0, 0, 1_600_000_000L);
    }

    Tars symlink(String name, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    Tars hardlink(String name, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    Tars device(String name, byte type, int major, int minor) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        e.setMode(0600);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    /** An old-GNU sparse entry (type 'S'): layers never use them, the unpacker refuses them. */
    Tars sparse(String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_GNUTYPE_SPARSE, true);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    byte[] tar() throws IOException {
        tar.finish();
        return bytes.toByteArray();
    }

    byte[] gzip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(out)) {
            z.write(tar());
        }
        return out.toByteArray();
    }

    byte[] zstd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new com.github.luben.zstd.ZstdOutputStream(out)) {
            z.write(tar());
        }
        return out.toByteArray();
    }

    /**
     * A gzip bomb streamed straight into gzip (the plain tar is never held in memory): {@code files}
     * entries of {@code bytesEach} zero bytes each.
     */
    static byte[] gzipBomb(int files, long bytesEach) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 16];
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(new GZIPOutputStream(out, 1 << 16))) {
            t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (int i = 0; i < files; i++) {
                TarArchiveEntry e = new TarArchiveEntry("bomb/" + i);
                e.setSize(bytesEach);
                t.putArchiveEntry(e);
                for (long left = bytesEach; left > 0; left -= zeros.length) {
                    t.write(zeros, 0, (int) Math.min(zeros.length, left));
                }
                t.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    /** A ustar header claiming {@code size} bytes followed by only a little data: a size lie. */
    static byte[] hugeDeclaredSize(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        byte[] header = new byte[512];
        e.writeEntryHeader(header);
        byte[] out = new byte[512 + 4096 + 1024];
        System.arraycopy(header, 0, out, 0, 512);
        return out;
    }
}
