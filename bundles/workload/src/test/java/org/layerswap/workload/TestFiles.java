package org.layerswap.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.layerswap.api.InvocationEvent;

final class TestFiles {
    private TestFiles() {
    }

    static Path write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    static List<InvocationEvent> drain(InvocationStream s) {
        List<InvocationEvent> out = new ArrayList<>();
        s.drainTo(out::add);
        return out;
    }

    /** The shared real-trace directory (system property layerswap.shared.data, else ../../../shared/data). */
    static Path sharedData() {
        return Path.of(System.getProperty("layerswap.shared.data", "../../../shared/data"));
    }
}
