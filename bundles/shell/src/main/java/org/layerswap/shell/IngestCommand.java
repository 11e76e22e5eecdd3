package org.layerswap.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.layerswap.routes.api.IngestStats;
import org.layerswap.routes.api.InvocationIngest;
import org.layerswap.workload.TraceDirectory;

/**
 * Ingests an invocation log (JSON lines or CSV) through the drop-folder route, so it gets exactly
 * the route's treatment: bad lines dead-lettered with their numbers, the copy moved to .done only
 * after its records are committed. The original file is left where it is. Like traces, the file must lie in the
 * traces directory ({@link TraceDirectory}, {@code ${karaf.data}/traces}; real path, links out refused): the
 * appliance runs as root and must not copy arbitrary host files into its pipeline.
 */
@Command(scope = "layerswap", name = "ingest", description = "Ingests an invocation log file (.jsonl/.json/.csv) through the ingestion routes")
@Service
public class IngestCommand extends LayerswapCommand {

    @Reference(optional = true)
    InvocationIngest ingest;

    @Argument(index = 0, name = "file", required = true, description = "A .jsonl, .json or .csv invocation log inside ${karaf.data}/traces (name or path)")
    @Completion(FileCompleter.class)
    String file;

    @Option(name = "--timeout", description = "Seconds to wait for the file to be committed (1..3600)")
    int timeoutSeconds = 300;

    @Override
    void run() throws Exception {
        if (ingest == null) {
            throw new CommandFailure("the ingestion routes are not running (feature layerswap-routes)");
        }
        Path source;
        try {
            source = TraceDirectory.ofSystem().resolve(file);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(TraceDirectory.sanitize(e.getMessage()));
        }
        String name = source.getFileName().toString();
        if (!(name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".csv"))) {
            throw new CommandFailure("'" + name + "' is not a .jsonl, .json or .csv invocation log");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
            throw new CommandFailure("--timeout must be between 1 and 3600 seconds, got " + timeoutSeconds);
        }
        Path drop = ingest.dropDirectory();
        if (drop == null) {
            throw new CommandFailure("file ingestion is off (org.layerswap.routes dropDir is empty)");
        }
        IngestStats before = ingest.stats();
        String unique = System.currentTimeMillis() + "-" + name;
        Path staging = Files.createDirectories(drop.resolve(".staging")).resolve(unique);
        Files.copy(source, staging, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staging, drop.resolve(unique), StandardCopyOption.ATOMIC_MOVE); // the route never sees a half file
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String outcome = null;
        while (outcome == null && System.nanoTime() < deadline) {
            Thread.sleep(200);
            outcome = find(drop.resolve(".done"), unique) ? "committed" : find(drop.resolve(".failed"), unique) ? "failed" : null;
        }
        IngestStats after = ingest.stats();
        if (outcome == null) {
            throw new CommandFailure(name + " was not committed within " + timeoutSeconds + " s (still in " + drop + ")");
        } else {
            System.out.printf("%s %s: %d accepted, %d rejected (dead letters), %d skipped%n", name, outcome,
                    after.accepted() - before.accepted(), after.rejected() - before.rejected(), after.skipped() - before.skipped());
        }
    }

    private static boolean find(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().equals(name));
        }
    }
}
