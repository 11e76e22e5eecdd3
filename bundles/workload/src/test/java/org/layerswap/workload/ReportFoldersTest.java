package org.layerswap.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFoldersTest {

    @Test
    void onlyTheNewestReportFoldersAreKeptAndLinksAreNotFollowed(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("replay"));
        Path precious = Files.writeString(tmp.resolve("precious.txt"), "keep me");
        for (String name : List.of("20260101-000000-1", "20260102-000000-2", "20260103-000000-3", "20260104-000000-4")) {
            Path d = Files.createDirectory(root.resolve(name));
            Files.writeString(d.resolve("report.md"), name);
            Files.createSymbolicLink(d.resolve("link"), precious);
        }
        Files.writeString(root.resolve("stray-file.txt"), "not a folder");
        assertEquals(2, ReportFolders.prune(root, 2));
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(List.of("20260103-000000-3", "20260104-000000-4", "stray-file.txt"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.isRegularFile(precious), "a link's target survives");
        assertEquals(0, ReportFolders.prune(root, 2));
        assertEquals(0, ReportFolders.prune(tmp.resolve("none"), 2));
    }
}
