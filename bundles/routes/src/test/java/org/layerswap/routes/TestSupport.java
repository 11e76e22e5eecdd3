package org.layerswap.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

final class TestSupport {

    private TestSupport() {
    }

    /** The file {@code name} under {@code dropDir/sub} (any date folder), if there. */
    static Optional<Path> find(Path dropDir, String sub, String name) {
        Path root = dropDir.resolve(sub);
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals(name)).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A started plain Camel context running {@code routes}, which write to {@code persistence}. */
    static CamelContext started(IngestRoutes routes, Fakes.Persistence persistence) throws Exception {
        routes.setPersistence(persistence.service());
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(routes);
        context.start();
        return context;
    }
}
