package org.layerswap.executor.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.layerswap.api.FunctionDefinition;
import org.layerswap.api.ImageManifest;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.executor.BubblewrapSandbox;
import org.layerswap.executor.FunctionRunner;
import org.layerswap.executor.SandboxSettings;
import org.layerswap.fs.overlay.OverlayBackend;
import org.layerswap.predictor.histogram.HistogramPredictor;
import org.layerswap.profiler.engine.ProfilerEngine;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.source.oci.RegistryClient;
import org.layerswap.source.oci.RegistrySettings;
import org.layerswap.store.layers.FileLayerStore;
import org.layerswap.store.layers.StoreSettings;
import org.layerswap.swap.SwapManagerCore;
import org.layerswap.swap.SwapSettings;

/**
 * One appliance's worth of the real pipeline outside OSGi, on fresh directories: registry client, layer
 * store, overlay backend, profiler (histogram predictor), swap manager and the bubblewrap executor.
 */
final class Pipeline implements AutoCloseable {

    final RegistryClient source;
    final FileLayerStore store;
    final OverlayBackend backend;
    final ProfilerEngine profiler;
    final SwapManagerCore swap;
    final BubblewrapSandbox sandbox;
    final FunctionRunner runner;
    private final Path dir;

    Pipeline(Path dir, String registryUrl) throws IOException {
        this.dir = dir;
        source = new RegistryClient(RegistrySettings.of(registryUrl));
        store = new FileLayerStore(StoreSettings.of(Files.createDirectories(dir.resolve("layers")), 8L << 30), source);
        // sandboxes run as nobody on the host: they reach their roots through dir and its parent (a test's or the
        // benchmark's temporary directory), made passable for others
        for (Path d : List.of(dir, dir.toAbsolutePath().getParent())) {
            Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        }
        backend = new OverlayBackend(Files.createDirectories(dir.resolve("fs")), 200, java.util.Set.of(),
                org.layerswap.fs.overlay.UpperLimits.defaults(),
                new org.layerswap.fs.common.SandboxAccess(SandboxSettings.NOBODY, SandboxSettings.NOBODY));
        profiler = new ProfilerEngine(ProfilerSettings.defaults(), new HistogramPredictor());
        swap = new SwapManagerCore(SwapSettings.DEFAULT, profiler, store, backend, System::currentTimeMillis);
        swap.start();
        sandbox = new BubblewrapSandbox(new SandboxSettings(Path.of("/usr/bin/bwrap"), true, 60_000, 64 * 1024));
        runner = new FunctionRunner(swap, null, sandbox, new FunctionRunner.Limits(600_000, 4, 100));
    }

    /** Resolves the image through the registry and declares the function (what function-add does). */
    List<LayerDescriptor> define(String functionId, String reference) throws Exception {
        ImageManifest m = source.resolve(reference);
        swap.defineFunction(new FunctionDefinition(functionId, reference, m.repository(), m.layers(), m.config()));
        return m.layers();
    }

    /**
     * The function ran every {@code periodMillis} for the last 30 periods, last half a period ago: it is predicted to
     * run again in half a period (due for the next-use planning's just-in-time prefetch).
     */
    void history(String functionId, long periodMillis) {
        history(functionId, periodMillis, periodMillis / 2);
    }

    /** The function ran every {@code periodMillis} for the last 30 periods, its next beat {@code nextBeatMillis} from now. */
    void history(String functionId, long periodMillis, long nextBeatMillis) {
        long now = System.currentTimeMillis();
        for (int i = 30; i >= 1; i--) {
            profiler.record(InvocationEvent.of(functionId, now + nextBeatMillis - i * periodMillis));
        }
    }

    boolean resident(List<LayerDescriptor> layers) {
        return layers.stream().allMatch(l -> store.isResident(l.id()));
    }

    @Override
    public void close() throws Exception {
        swap.close();
        backend.close(); // removes every root: nothing stays mounted
        sandbox.close();
        store.close();
    }

    Path dir() {
        return dir;
    }
}
