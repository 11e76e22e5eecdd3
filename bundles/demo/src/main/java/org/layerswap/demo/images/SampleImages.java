package org.layerswap.demo.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;

import org.layerswap.api.ImageConfig;
import org.layerswap.oci.format.OciLayoutWriter;
import org.layerswap.oci.format.OciLayoutWriter.LayerBlob;

/**
 * Builds small real function images: a base layer holding Debian's statically linked busybox
 * ({@code busybox-static}) with its applets, filler layers standing in for runtimes and dependencies
 * (incompressible, so they cost what their size says to pull), per-function handler layers, and data
 * layers. Content is a pure function of the arguments, so digests are stable across runs.
 */
public final class SampleImages {

    /** Where Debian's busybox-static puts its binary. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    /** The handler every sample function runs. */
    public static final ImageConfig HANDLER_CONFIG = new ImageConfig(List.of("/bin/sh", "/fn/handler.sh"), List.of(),
            List.of("PATH=/bin", "HOME=/tmp"), "/fn");

    private static final List<String> APPLETS = List.of("sh", "ash", "cat", "echo", "ls", "sleep", "usleep", "wc", "head",
            "tail", "sha256sum", "md5sum", "date", "env", "id", "hostname", "mkdir", "rm", "tr", "cut", "grep", "sed", "awk",
            "true", "false", "test", "[", "printf", "find", "du", "dd", "stat", "touch", "uname", "mount", "ps", "xargs", "seq");

    private SampleImages() {
    }

    /** The host's static busybox, or an error saying which Debian package provides one. */
    public static Path staticBusybox() throws IOException {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IOException(BUSYBOX + " is missing: sample images need Debian's busybox-static (apt-get install busybox-static)");
        }
        if (hasInterpreter(BUSYBOX)) {
            throw new IOException(BUSYBOX + " is dynamically linked (Debian's busybox package): sample images need the static one "
                    + "(apt-get install busybox-static)");
        }
        return BUSYBOX;
    }

    /** True when the ELF file asks for a dynamic loader (a PT_INTERP program header). */
    static boolean hasInterpreter(Path elf) throws IOException {
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            if (h.getInt(0) != 0x464c457f || h.get(4) != 2) {
                throw new IOException(elf + " is not a 64-bit ELF file");
            }
            long phoff = h.getLong(0x20);
            int phentsize = h.getShort(0x36) & 0xffff;
            int phnum = h.getShort(0x38) & 0xffff;
            ByteBuffer ph = ByteBuffer.allocate(phentsize * phnum).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(ph, phoff);
            for (int i = 0; i < phnum; i++) {
                if (ph.getInt(i * phentsize) == 3) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The OS base: busybox, its applets as relative symlinks, /etc basics, mount points. */
    public static LayerBlob base(OciLayoutWriter w) throws IOException {
        Path busybox = staticBusybox();
        long size = Files.size(busybox);
        return w.addLayer(true, t -> {
            t.directory("bin/", 0755).directory("etc/", 0755).directory("tmp/", 01777).directory("proc/", 0555)
                    .directory("dev/", 0755).directory("fn/", 0755).directory("data/", 0755);
            try (InputStream in = Files.newInputStream(busybox)) {
                t.file("bin/busybox", 0755, size, in);
            }
            for (String applet : APPLETS) {
                t.symlink("bin/" + applet, "busybox");
            }
            t.file("etc/os-release", "ID=layerswap-busybox\nNAME=\"LayerSwap sample (busybox-static)\"\n");
            t.file("etc/passwd", "root:x:0:0:root:/tmp:/bin/sh\n");
            t.file("etc/group", "root:x:0:\n");
        });
    }

    /**
     * A layer of {@code bytes} incompressible bytes under {@code dir} (files of at most 16 MiB), standing in
     * for a runtime, dependencies or a data set. Plain tar when {@code gzip} is false (no point compressing noise).
     */
    public static LayerBlob filler(OciLayoutWriter w, String dir, long bytes, long seed, boolean gzip) throws IOException {
        String d = dir.endsWith("/") ? dir : dir + "/";
        return w.addLayer(gzip, t -> {
            t.directory(d, 0755);
            long left = bytes;
            int part = 0;
            while (left > 0) {
                long n = Math.min(left, 16L << 20);
                t.file(d + "part-" + part, 0644, n, new NoiseStream(seed * 1_000_003L + part, n));
                left -= n;
                part++;
            }
            t.file(d + "MANIFEST", "bytes=" + bytes + "\nseed=" + seed + "\n");
        });
    }

    /**
     * The function's handler: prints a first line at once (the executor's first-instruction mark), then its
     * parameters, optionally hashes the data set selected by {@code dataset}, works {@code work_ms} and exits
     * with {@code exit} (default 0).
     */
    public static LayerBlob handler(OciLayoutWriter w, String functionId) throws IOException {
        String script = """
                echo "start $LS_FUNCTION"
                read -r params || true
                echo "params $params"
                echo "image %s on $(hostname)"
                if [ -n "$LS_PARAM_DATASET" ]; then
                  if [ -d "/data/$LS_PARAM_DATASET" ]; then
                    echo "dataset $LS_PARAM_DATASET $(cat /data/$LS_PARAM_DATASET/* | wc -c) bytes"
                  else
                    echo "dataset $LS_PARAM_DATASET not mounted" >&2
                  fi
                fi
                if [ -n "$LS_PARAM_WORK_MS" ]; then usleep $((LS_PARAM_WORK_MS * 1000)); fi
                echo "done"
                exit ${LS_PARAM_EXIT:-0}
                """.formatted(functionId);
        return w.addLayer(true, t -> t.directory("fn/", 0755).file("fn/handler.sh", 0755, script.getBytes(StandardCharsets.UTF_8)));
    }

    /** A data layer: {@code bytes} of data under /data/{@code name}/, selected by the {@code dataset} parameter. */
    public static LayerBlob dataset(OciLayoutWriter w, String name, long bytes, long seed) throws IOException {
        return filler(w, "data/" + name, bytes, seed, false);
    }

    /** Deterministic incompressible bytes. */
    static final class NoiseStream extends InputStream {
        private final SplittableRandom random;
        private long left;

        NoiseStream(long seed, long size) {
            this.random = new SplittableRandom(seed);
            this.left = size;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            return random.nextInt(256);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                long r = random.nextLong();
                for (int k = 0; k < 8; k++) {
                    b[off + i + k] = (byte) (r >>> (8 * k));
                }
            }
            for (; i < n; i++) {
                b[off + i] = (byte) random.nextInt(256);
            }
            left -= n;
            return n;
        }
    }
}
