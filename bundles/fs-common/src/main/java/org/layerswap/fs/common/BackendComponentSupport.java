package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.layerswap.api.ComposedRoot;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.RootLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every backend's DS component shares: it publishes one {@link GenerationalBackend} as the
 * {@link FilesystemBackend} service, and it is never rebuilt when its configuration changes. The PID
 * {@code org.layerswap.fs} is shared with the backend selector, so switching {@code backend} reaches
 * every backend component; restarting one would close it under running invocations and let a new
 * instance adopt their roots without knowing their leases. Subclasses keep their own DS lifecycle
 * methods and call {@link #start}, {@link #reconfigured} and {@link #stop}.
 */
public abstract class BackendComponentSupport<B extends GenerationalBackend> implements FilesystemBackend {

    private static final Logger LOG = LoggerFactory.getLogger(BackendComponentSupport.class);

    /**
     * The executor's configuration PID: backend components read {@code sandboxHostUid}/{@code sandboxHostGid}
     * from it too (DS merges both PIDs), so the owner of the functions' trees is always the user the executor
     * starts sandboxes as.
     */
    public static final String EXECUTOR_PID = "org.layerswap.executor";
    /** The default sandbox host user and group: nobody/nogroup (Debian). */
    public static final int SANDBOX_HOST_ID = 65534;

    /**
     * The keys a backend component reads from the executor's PID (a second component property type of its
     * activate method): the unprivileged host user sandboxes run as.
     */
    public @interface SandboxHost {
        /** The host uid sandboxes run as: owner of every function's tree */
        int sandboxHostUid() default SANDBOX_HOST_ID;

        /** The host gid sandboxes run as: the one group let through the backend's directories */
        int sandboxHostGid() default SANDBOX_HOST_ID;
    }

    protected static SandboxAccess access(SandboxHost h) {
        return new SandboxAccess(h.sandboxHostUid(), h.sandboxHostGid());
    }

    private volatile B backend;
    private String settings;

    /** Publishes {@code b}, built from {@code settingsSummary}, after start-up recovery. */
    protected void start(B b, String settingsSummary) {
        this.backend = b;
        this.settings = settingsSummary;
        if (!b.isAvailable()) {
            LOG.info("{} backend unavailable: {}", b.name(), b.unavailableReason());
            return;
        }
        try {
            b.recover();
        } catch (IOException e) {
            LOG.error("{} backend: start-up recovery failed: {}", b.name(), e.toString());
        }
    }

    /** A configuration update: the running backend stays; its own settings apply on the next start. */
    protected void reconfigured(String settingsSummary) {
        if (!settingsSummary.equals(settings)) {
            LOG.warn("{} backend: changed settings ({}) apply when the bundle restarts; running with {}",
                    backend.name(), settingsSummary, settings);
        }
    }

    protected void stop() {
        backend.close();
    }

    public B backend() {
        return backend;
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public boolean isAvailable() {
        return backend.isAvailable();
    }

    @Override
    public String unavailableReason() {
        return backend.unavailableReason();
    }

    @Override
    public ComposedRoot compose(String functionId, List<Path> layerDirs) throws IOException {
        return available().compose(functionId, layerDirs);
    }

    @Override
    public ComposedRoot composeKeepingWrites(String functionId, List<Path> layerDirs) throws IOException {
        return available().composeKeepingWrites(functionId, layerDirs);
    }

    @Override
    public RootLease enter(String functionId) throws IOException {
        return backend.enter(functionId);
    }

    @Override
    public boolean remove(String functionId) throws IOException {
        return backend.remove(functionId);
    }

    @Override
    public List<ComposedRoot> composed() {
        return backend.composed();
    }

    private B available() throws IOException {
        B b = backend;
        if (!b.isAvailable()) {
            throw new IOException(b.name() + " backend unavailable: " + b.unavailableReason());
        }
        return b;
    }
}
