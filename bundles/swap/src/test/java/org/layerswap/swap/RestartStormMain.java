package org.layerswap.swap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.RootLease;
import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;

/**
 * The child JVM of {@link RestartAdoptionStormTest}, killed with SIGKILL: holds invocations open on {@code held0},
 * {@code held1} and {@code held0}'s variant root, prefetches the three big layers (throttled: still in flight when it
 * dies), prints {@code READY} once the prefetches are journaled and downloading, then swaps the storm functions and
 * runs invocations in a loop ({@code swapped <n>} after each swap), forever. Arg: the work directory.
 */
public final class RestartStormMain {

    private RestartStormMain() {
    }

    public static void main(String[] args) throws Exception {
        RestartStorm w = new RestartStorm(Path.of(args[0]));
        RestartStorm.Node n = w.start(15);
        SwapManagerCore core = n.core();
        core.start();
        w.define(core);
        List<RootLease> held = new ArrayList<>(); // never closed: the roots are in use when the process dies
        for (String fn : RestartStorm.HELD) {
            held.add(core.enter(core.handleInvocation(fn, Map.of()), 60_000));
        }
        held.add(core.enter(core.handleInvocation("held0", Map.of("dataset", "x")), 60_000));
        core.prefetch(RestartStorm.BIG);
        Path journal = w.work.resolve("journal");
        Path tmp = w.work.resolve("store/tmp");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (count(journal, "sha256-") < 3 || count(tmp, ".part") < 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("prefetches not in flight within 60 s");
            }
            Thread.sleep(10);
        }
        System.out.println("READY " + held.size());
        System.out.flush();
        for (long i = 0; ; i++) {
            String fn = RestartStorm.STORM.get((int) (i % RestartStorm.STORM.size()));
            String which = (i / RestartStorm.STORM.size()) % 2 == 0 ? "B" : "A";
            SwapRecord r = core.swap(fn, w.stack(which).stream().map(LayerDescriptor::id).toList(), SwapMode.ATOMIC, 0);
            if (r.outcome() != SwapOutcome.SUCCEEDED) {
                throw new IllegalStateException("swap failed: " + r);
            }
            w.save(fn, which);
            try (RootLease l = core.enter(core.handleInvocation(fn, Map.of()), 60_000)) {
                Files.exists(l.root().resolve(which.equals("B") ? "b.txt" : "a.txt"));
            }
            System.out.println("swapped " + i);
            System.out.flush();
        }
    }

    private static long count(Path dir, String part) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(part)).count();
        }
    }
}
