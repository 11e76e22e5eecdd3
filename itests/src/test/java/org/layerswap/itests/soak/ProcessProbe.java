package org.layerswap.itests.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** One look at a live process through {@code /proc/<pid>}: its threads, open file descriptors and resident memory. */
public record ProcessProbe(long pid, int threads, int fds, long rssBytes) {

    /** Reads {@code /proc/<pid>/status} and counts {@code /proc/<pid>/fd}; fails naming the pid when it is gone. */
    public static ProcessProbe of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        int threads = -1;
        long rss = -1;
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).trim());
            } else if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
            }
        }
        if (threads < 0 || rss < 0) {
            throw new IOException("/proc/" + pid + "/status has no Threads or VmRSS line");
        }
        int fds;
        try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
            fds = (int) s.count();
        }
        return new ProcessProbe(pid, threads, fds, rss);
    }
}
