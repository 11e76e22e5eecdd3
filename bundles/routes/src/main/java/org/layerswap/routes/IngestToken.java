package org.layerswap.routes;

import java.io.IOException;
import java.nio.file.Path;

import org.layerswap.api.config.SecretFile;

/** The ingest bearer token file, by the rules of {@link SecretFile} (shared with the metrics scrape token). */
public final class IngestToken {

    private IngestToken() {
    }

    /** The token in {@code file}, generated there first when the file does not exist. */
    public static String loadOrCreate(Path file) throws IOException {
        return SecretFile.loadOrCreate(file, "ingest token");
    }

    static String generate() {
        return SecretFile.generate();
    }
}
