package org.layerswap.fs.overlay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.ComposedRoot;
import org.layerswap.fs.common.MountTable;
import org.layerswap.fs.common.Trees;
import org.layerswap.fs.overlay.OverlayBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Swap latency with real OverlayFS mounts (root only): one {@code compose} of an already composed
 * function = new generation directory + links + mount(2) + renameat2(RENAME_EXCHANGE) flip. Old
 * generations are unmounted and deleted by the backend's reaper (grace 50 ms) either between
 * measurements or concurrently, see {@link #reap}. {@code layers} is the stack depth.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SwapLatencyBenchmark {

    @Param({"5", "20"})
    public int layers;

    /**
     * {@code between}: retired generations are torn down between measured swaps (not measured): the
     * latency of one swap on a quiet node. {@code background}: back-to-back swaps while the reaper
     * unmounts and deletes old generations concurrently (a swap storm far above any real swap rate).
     */
    @Param({"between", "background"})
    public String reap;

    /** File system of the backend root (generation dirs, upper/work): ext4 (/tmp here) or tmpfs (/dev/shm). */
    @Param({"/tmp", "/dev/shm"})
    public String base;

    private Path dir;
    private OverlayBackend backend;
    private List<Path> stackA;
    private List<Path> stackB;
    private long n;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of(base), "lsbench");
        backend = new OverlayBackend(dir.resolve("r"), 50);
        if (!backend.isAvailable()) {
            throw new IllegalStateException("swap latency benchmark needs real overlay mounts: " + backend.unavailableReason());
        }
        stackA = new ArrayList<>();
        stackB = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            stackA.add(layer("a" + i));
            stackB.add(layer("b" + i));
        }
        backend.compose("fn", stackA);
    }

    private Path layer(String name) throws IOException {
        Path l = Files.createDirectories(dir.resolve("layers").resolve(name));
        Files.writeString(l.resolve(name), name);
        return l;
    }

    @Setup(Level.Invocation)
    public void drain() {
        if (reap.equals("between")) {
            backend.reapNow();
        }
    }

    @Benchmark
    public ComposedRoot swap() throws IOException {
        return backend.compose("fn", (n++ & 1) == 0 ? stackB : stackA);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        backend.close();
        int left = MountTable.read().countUnder(dir);
        Trees.deleteTree(dir);
        if (left != 0) {
            throw new IllegalStateException(left + " mounts leaked");
        }
    }
}
