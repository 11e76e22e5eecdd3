package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.layerswap.fs.common.GenerationalBackend.Generation;
import org.layerswap.fs.common.GenerationalBackend.RecoveryReport;
import org.layerswap.nativeio.NativeIO;

/**
 * Start-up recovery of a {@link GenerationalBackend}'s root after a crash or an unclean stop, relying
 * on the {@link GenerationLayout} invariant (the generation {@code current} names is complete). For
 * every function directory: keep the generation {@code current} points at (adopted when the backend
 * finds it intact, else re-built by the backend), unmount and delete every other generation, and
 * delete the whole directory when nothing could be kept (or it does not say which function it holds).
 * Last, anything else still mounted under the root is detached. Problems are collected, not thrown:
 * one broken function does not stop the others from coming back.
 */
final class BackendRecovery {

    private final GenerationalBackend backend;
    private final Path root;
    private int adopted;
    private int rebuilt;
    private int removedGenerations;
    private int unmounted;
    private int removedFunctions;
    private final List<String> problems = new ArrayList<>();
    private final List<Path> keptMerged = new ArrayList<>();

    BackendRecovery(GenerationalBackend backend) {
        this.backend = backend;
        this.root = backend.root();
    }

    /**
     * Runs once. Each function kept is handed to {@code keep} as soon as it is recovered (so the ones
     * before an I/O error that ends recovery are known to the backend).
     */
    RecoveryReport run(Consumer<FunctionState> keep) throws IOException {
        if (!Files.isDirectory(root)) {
            GenerationLayout.ensurePrivateDirectory(root);
        }
        MountTable mt = MountTable.read();
        for (Path fnDir : functionDirs()) {
            FunctionState st = recoverFunction(fnDir, mt);
            if (st != null) {
                keep.accept(st);
            }
        }
        // anything else still mounted under the root (e.g. a probe mount) goes too
        for (MountTable.Mount m : MountTable.read().under(root)) {
            if (!keptMerged.contains(m.mountPoint())) {
                try {
                    backend.requireNative("unmount stray " + m.mountPoint()).umount2(m.mountPoint(), NativeIO.MNT_DETACH);
                    unmounted++;
                } catch (IOException e) {
                    problems.add("cannot unmount stray mount " + m.mountPoint() + ": " + e.getMessage());
                }
            }
        }
        return new RecoveryReport(adopted, rebuilt, removedGenerations, unmounted, removedFunctions, problems);
    }

    private List<Path> functionDirs() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** The function's state with its kept generation as current, or null when the directory was removed. */
    private FunctionState recoverFunction(Path fnDir, MountTable mt) throws IOException {
        String id = GenerationLayout.readFunctionId(fnDir);
        if (id != null && (id.isEmpty() || !GenerationLayout.dirName(id).equals(fnDir.getFileName().toString()))) {
            problems.add(fnDir + ": function file names '" + id + "', which does not map to this directory");
            id = null;
        }
        String curGen = GenerationLayout.currentGeneration(fnDir);
        Files.deleteIfExists(fnDir.resolve(GenerationLayout.TMP));
        FunctionState st = id == null ? null : new FunctionState(id, fnDir);
        Generation keep = null;
        long maxGen = 0;
        for (Path genDir : GenerationLayout.generations(fnDir)) {
            long n = GenerationLayout.generationNumber(genDir);
            maxGen = Math.max(maxGen, n);
            if (st != null && genDir.getFileName().toString().equals(curGen) && Files.exists(genDir.resolve(GenerationLayout.LAYERS_FILE))) {
                keep = keepCurrent(new Generation(st, n, genDir, GenerationLayout.readLayers(genDir)), mt);
                if (keep != null) {
                    continue;
                }
            }
            try {
                unmounted += unmountUnder(genDir, mt);
                Trees.deleteTree(genDir);
                removedGenerations++;
            } catch (IOException e) {
                problems.add("cannot remove stale generation " + genDir + ": " + e.getMessage());
            }
        }
        if (keep == null) {
            try {
                unmounted += unmountUnder(fnDir, mt);
                Trees.deleteTree(fnDir);
                removedFunctions++;
            } catch (IOException e) {
                problems.add("cannot remove " + fnDir + ": " + e.getMessage());
            }
            return null;
        }
        Files.setPosixFilePermissions(fnDir, GenerationLayout.PRIVATE); // directories made before they were private
        Files.setPosixFilePermissions(keep.dir(), GenerationLayout.PRIVATE);
        st.current = keep;
        st.nextGen = maxGen + 1;
        return st;
    }

    /** Adopts {@code g} when intact, else re-builds it; null when it cannot be re-built (a problem is recorded). */
    private Generation keepCurrent(Generation g, MountTable mt) {
        if (backend.isIntact(g, mt)) {
            g.setMounted(mt.isMountPoint(g.merged()));
            adopted++;
        } else {
            try {
                unmounted += unmountUnder(g.dir(), mt);
                backend.rebuild(g);
                rebuilt++;
            } catch (IOException | RuntimeException e) {
                problems.add("function " + g.functionId() + ": cannot rebuild " + g.dir() + ": " + e.getMessage());
                return null;
            }
        }
        keptMerged.add(g.merged().toAbsolutePath().normalize());
        return g;
    }

    /** One line for an operator: what was kept and what was cleaned ("" when nothing was found). */
    static String summary(RecoveryReport r) {
        if (r.adopted() + r.rebuilt() + r.removedGenerations() + r.unmounted() + r.removedFunctions() == 0 && r.problems().isEmpty()) {
            return "";
        }
        return "kept " + r.adopted() + " intact root(s) as they were, rebuilt " + r.rebuilt() + "; cleaned "
                + r.removedGenerations() + " stale generation(s), " + r.unmounted() + " mount(s) (invocation uppers, half-built or "
                + "retired generations, strays), " + r.removedFunctions() + " function dir(s)"
                + (r.problems().isEmpty() ? "" : "; problems: " + String.join("; ", r.problems()));
    }

    private int unmountUnder(Path dir, MountTable mt) throws IOException {
        int n = 0;
        for (MountTable.Mount m : mt.under(dir)) {
            backend.requireNative("unmount " + m.mountPoint()).umount2(m.mountPoint(), NativeIO.MNT_DETACH);
            n++;
        }
        return n;
    }
}
