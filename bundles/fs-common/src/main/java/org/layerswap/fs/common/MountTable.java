package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of {@code /proc/self/mountinfo}: which paths are mount points and with which file system.
 * Mount points are decoded ({@code \040} etc.) and compared as normalized absolute paths.
 */
public final class MountTable {

    /** One line of mountinfo; {@code mountOptions} are the per-mount ones (field 6: rw/ro, nosuid, nodev, ...). */
    public record Mount(int id, int parentId, Path mountPoint, String fsType, String source, String superOptions,
                        String mountOptions) {

        /** Whether the per-mount options list {@code option} (e.g. "nosuid"). */
        public boolean hasOption(String option) {
            return java.util.Arrays.asList(mountOptions.split(",")).contains(option);
        }
    }

    public static final Path PROC_SELF_MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final List<Mount> mounts;

    private MountTable(List<Mount> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /** Reads this process's mount table; empty when {@code /proc} is not available. */
    public static MountTable read() throws IOException {
        if (!Files.isReadable(PROC_SELF_MOUNTINFO)) {
            return new MountTable(List.of());
        }
        return parse(Files.readAllLines(PROC_SELF_MOUNTINFO));
    }

    public static MountTable parse(List<String> lines) {
        List<Mount> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 7 || dash < 0 || dash + 1 >= f.length) {
                continue; // not a mountinfo line we understand; skip rather than fail recovery
            }
            try {
                String fsType = f[dash + 1];
                String source = dash + 2 < f.length ? unescape(f[dash + 2]) : "";
                String superOpts = dash + 3 < f.length ? f[dash + 3] : "";
                out.add(new Mount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Path.of(unescape(f[4])).normalize(),
                        fsType, source, superOpts, f[5]));
            } catch (RuntimeException e) {
                // malformed line: ignore
            }
        }
        return new MountTable(out);
    }

    /** Decodes the octal escapes the kernel uses for space, tab, newline and backslash. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }

    /** The mount at {@code p} (the latest when several are stacked), if {@code p} is a mount point. */
    public java.util.Optional<Mount> at(Path p) {
        Path n = p.toAbsolutePath().normalize();
        Mount found = null;
        for (Mount m : mounts) {
            if (m.mountPoint().equals(n)) {
                found = m;
            }
        }
        return java.util.Optional.ofNullable(found);
    }

    public List<Mount> mounts() {
        return mounts;
    }

    /** Mounts whose mount point is {@code dir} or below it, deepest (latest) first, so they can be unmounted in order. */
    public List<Mount> under(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        List<Mount> out = new ArrayList<>();
        for (Mount m : mounts) {
            if (m.mountPoint().startsWith(d)) {
                out.add(m);
            }
        }
        out.sort((a, b) -> Integer.compare(b.mountPoint().getNameCount(), a.mountPoint().getNameCount()));
        return out;
    }

    public boolean isMountPoint(Path p) {
        Path d = p.toAbsolutePath().normalize();
        for (Mount m : mounts) {
            if (m.mountPoint().equals(d)) {
                return true;
            }
        }
        return false;
    }

    public boolean isMountPoint(Path p, String fsType) {
        Path d = p.toAbsolutePath().normalize();
        for (Mount m : mounts) {
            if (m.mountPoint().equals(d) && m.fsType().equals(fsType)) {
                return true;
            }
        }
        return false;
    }

    /** Number of mounts at or below {@code dir}. */
    public int countUnder(Path dir) {
        return under(dir).size();
    }
}
