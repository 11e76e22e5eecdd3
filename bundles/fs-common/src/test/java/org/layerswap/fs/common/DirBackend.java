package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A backend whose "composition" is a plain {@code merged/} directory: the generational machinery without mounts. */
class DirBackend extends GenerationalBackend {

    volatile boolean failRebuild;
    volatile int rebuilds;

    DirBackend(Path root, long graceMillis) {
        super(root, graceMillis);
    }

    @Override
    protected void build(Generation gen, List<Path> layerDirs, Generation keepWritesFrom) throws IOException {
        Files.createDirectories(gen.merged());
        Files.writeString(gen.merged().resolve("built-from"), layerDirs.toString());
    }

    @Override
    protected void teardown(Generation gen) {
    }

    @Override
    protected boolean isIntact(Generation gen, MountTable mounts) {
        return Files.isDirectory(gen.merged());
    }

    @Override
    protected void rebuild(Generation gen) throws IOException {
        if (failRebuild) {
            throw new IOException("layer directory gone");
        }
        rebuilds++;
        build(gen, gen.layerDirs(), null);
    }

    @Override
    public String name() {
        return "dir";
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public String unavailableReason() {
        return "";
    }
}
