package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.ComposedRoot;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.RootLease;
import org.layerswap.nativeio.NativeIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery both backends share: per function a directory {@code <root>/<fn>/} holding numbered
 * generations {@code gen-<n>/} (each with a {@code merged/} tree built by the subclass), and a stable
 * path {@code <root>/<fn>/current}, a relative symlink to {@code gen-<n>/merged}. A swap builds a new
 * generation beside the old one and flips {@code current} with one {@code renameat2(RENAME_EXCHANGE)}
 * (or {@code rename(2)} where exchange is unsupported): a path lookup through {@code current} sees the
 * old or the new generation, never a mix. Leases pin a generation; a retired generation is torn down
 * (subclass {@link #teardown}, then deleted) once its last lease is closed and a grace period has passed
 * (the grace period covers path lookups that read the old symlink just before the flip).
 *
 * <p>On disk, {@code gen-<n>/layers} lists the lower dirs (written before the build); a generation is
 * flipped in only once fully built, so the one {@code current} names is complete and every other one is
 * stale or half-built: {@link #recover()} relies on exactly that after a crash.
 *
 * <p>Collaborators: {@link GenerationLayout} (names and files on disk), {@link CurrentLink} (the flip),
 * {@link BackendRecovery} (start-up recovery), {@link FunctionState} (per-function state, retirement),
 * {@link GenerationLease}, {@link SandboxAccess} (who may pass through the directories), {@link GenerationReaper}
 * (tearing retired generations and removed functions down, on its own thread). What stays here is
 * compose/enter/remove and the views, under the per-function locking they share with the reaper.
 */
public abstract class GenerationalBackend implements FilesystemBackend, AutoCloseable {

    /** The stable path's name in a function directory; see {@link GenerationLayout}. */
    public static final String CURRENT = GenerationLayout.CURRENT;

    /** What {@link #recover()} found and did. */
    public record RecoveryReport(int adopted, int rebuilt, int removedGenerations, int unmounted, int removedFunctions,
                                 List<String> problems) {
        public RecoveryReport {
            problems = List.copyOf(problems);
        }
    }

    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final Path root;
    protected final Optional<NativeIO> nativeIo;
    private final ConcurrentHashMap<String, FunctionState> functions = new ConcurrentHashMap<>();
    private final GenerationReaper reaper;
    private final CurrentLink currentLink;
    private volatile boolean closed;
    private volatile SandboxAccess access = SandboxAccess.ROOT;
    private volatile RecoveryReport lastRecovery;

    /**
     * @param root        backend directory (created); must not contain ':' ',' or '\' (overlay option syntax)
     * @param graceMillis how long a retired generation with no leases stays before teardown
     */
    protected GenerationalBackend(Path root, long graceMillis) {
        this.root = root.toAbsolutePath().normalize();
        String s = this.root.toString();
        if (s.indexOf(':') >= 0 || s.indexOf(',') >= 0 || s.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("backend root " + s + " must not contain ':', ',' or '\\'");
        }
        if (graceMillis < 0) {
            throw new IllegalArgumentException("grace period " + graceMillis + " ms is negative");
        }
        this.nativeIo = NativeIO.tryGet();
        this.currentLink = new CurrentLink(nativeIo, this::name);
        this.reaper = new GenerationReaper(functions, TimeUnit.MILLISECONDS.toNanos(graceMillis), System::nanoTime,
                this::teardown, () -> closed, this::name, log, "layerswap-fs-reaper-" + this.root.getFileName());
    }

    /** One composition of a function's root. */
    public static final class Generation {
        final FunctionState fn;
        final long number;
        final Path dir;
        final List<Path> layerDirs;
        int refs;
        long retiredAtNanos;
        boolean retired;
        volatile boolean mounted;

        Generation(FunctionState fn, long number, Path dir, List<Path> layerDirs) {
            this.fn = fn;
            this.number = number;
            this.dir = dir;
            this.layerDirs = List.copyOf(layerDirs);
        }

        public String functionId() {
            return fn.id;
        }

        public long number() {
            return number;
        }

        public Path dir() {
            return dir;
        }

        public Path merged() {
            return dir.resolve(GenerationLayout.MERGED);
        }

        public List<Path> layerDirs() {
            return layerDirs;
        }

        /** Subclasses record whether {@link #merged()} is a mount they made. */
        public boolean isMounted() {
            return mounted;
        }

        public void setMounted(boolean m) {
            mounted = m;
        }
    }

    /**
     * Who sandboxes run as on the host (set by the subclass's constructor, before any use): the backend's
     * directories let that user's group through and each function's tree is that user's; see {@link SandboxAccess}.
     */
    protected void sandboxAccess(SandboxAccess a) {
        this.access = java.util.Objects.requireNonNull(a);
    }

    public SandboxAccess sandboxAccess() {
        return access;
    }

    /** "" when sandboxes (running as {@link #sandboxAccess()}) can reach trees under the root, else why not. */
    protected String sandboxReachProblem() {
        return access.prepareRoot(root, nativeIo);
    }

    // ---- subclass hooks -------------------------------------------------------------------------

    /**
     * Builds {@code gen.merged()} from {@code layerDirs} (base first). {@code gen.dir()} exists.
     * When {@code keepWritesFrom} is non-null the function's own writes in that generation are carried over.
     */
    protected abstract void build(Generation gen, List<Path> layerDirs, Generation keepWritesFrom) throws IOException;

    /** Releases what {@link #build} set up (e.g. unmounts); the directory is deleted afterwards by the caller. */
    protected abstract void teardown(Generation gen) throws IOException;

    /** After a crash: is this complete generation usable as it is (mounted, for overlay)? */
    protected abstract boolean isIntact(Generation gen, MountTable mounts);

    /** After a crash: make a complete-but-not-intact generation usable again (e.g. re-mount it). */
    protected abstract void rebuild(Generation gen) throws IOException;

    // ---- FilesystemBackend ----------------------------------------------------------------------

    public Path root() {
        return root;
    }

    @Override
    public ComposedRoot compose(String functionId, List<Path> layerDirs) throws IOException {
        return doCompose(functionId, layerDirs, false);
    }

    /** Like {@link #compose} but the function's own writes are carried into the new generation (copy-on-write update). */
    @Override
    public ComposedRoot composeKeepingWrites(String functionId, List<Path> layerDirs) throws IOException {
        return doCompose(functionId, layerDirs, true);
    }

    private ComposedRoot doCompose(String functionId, List<Path> layerDirs, boolean keepWrites) throws IOException {
        checkOpen();
        List<Path> dirs = GenerationLayout.checkLayers(functionId, layerDirs);
        while (true) {
            FunctionState st = stateFor(functionId);
            synchronized (st.buildLock) {
                synchronized (st) {
                    if (st.deleted) {
                        continue;
                    }
                    st.removed = false;
                }
                long n = st.nextGen++;
                Generation g = new Generation(st, n, st.dir.resolve(GenerationLayout.generationName(n)), dirs);
                Generation prev;
                synchronized (st) {
                    prev = st.current;
                }
                try {
                    GenerationLayout.createPrivateDirectory(g.dir);
                    access.grantTraversal(g.dir, nativeIo);
                    GenerationLayout.writeLayers(g.dir, dirs);
                    build(g, dirs, keepWrites ? prev : null);
                    currentLink.flip(st.dir, g.dir); // only a fully built generation is ever flipped in: current implies complete
                } catch (IOException | RuntimeException e) {
                    reaper.destroyQuietly(g);
                    throw e;
                }
                synchronized (st) {
                    Generation old = st.current;
                    st.current = g;
                    if (old != null) {
                        reaper.retire(old);
                    }
                    return snapshot(st, g);
                }
            }
        }
    }

    /**
     * Pins the current generation (under the function's monitor), then asks the subclass for the
     * invocation's own tree ({@link #openInvocation}, outside every lock so a mount does not hold up
     * swaps). The lease releases that tree ({@link #closeInvocation}) before it unpins the generation,
     * so a generation is never torn down under an invocation's tree.
     */
    @Override
    public RootLease enter(String functionId) throws IOException {
        Generation g = pin(functionId);
        Path invocationRoot;
        try {
            invocationRoot = openInvocation(g);
        } catch (IOException | RuntimeException e) {
            new GenerationLease(g, g.merged(), null, reaper::lastLeaseClosed).close();
            throw e;
        }
        return new GenerationLease(g, invocationRoot, this::closeInvocation, reaper::lastLeaseClosed);
    }

    /** The tree one invocation of {@code gen} runs in; by default the generation's own {@code merged/}, shared by its invocations. */
    protected Path openInvocation(Generation gen) throws IOException {
        return gen.merged();
    }

    /** Releases what {@link #openInvocation} made; must not throw (log instead). Called once per lease. */
    protected void closeInvocation(Generation gen, Path invocationRoot) {
        // the shared merged tree stays until the generation is torn down
    }

    private Generation pin(String functionId) throws IOException {
        FunctionState st = functions.get(functionId);
        if (st != null) {
            synchronized (st) {
                Generation g = st.current;
                if (g != null && !st.removed) {
                    g.refs++;
                    st.leases++;
                    return g;
                }
            }
        }
        throw new IOException("function " + functionId + " has no root composed by the " + name() + " backend");
    }

    @Override
    public boolean remove(String functionId) throws IOException {
        FunctionState st = functions.get(functionId);
        if (st == null) {
            return true;
        }
        synchronized (st.buildLock) {
            synchronized (st) {
                st.removed = true;
                if (st.current != null) {
                    Generation c = st.current;
                    st.current = null;
                    reaper.retire(c);
                }
            }
        }
        reaper.reapFunction(st, true);
        synchronized (st) {
            return st.deleted;
        }
    }

    @Override
    public List<ComposedRoot> composed() {
        List<ComposedRoot> out = new ArrayList<>();
        for (FunctionState st : functions.values()) {
            synchronized (st) {
                if (st.current != null && !st.removed) {
                    out.add(snapshot(st, st.current));
                }
            }
        }
        out.sort((a, b) -> a.functionId().compareTo(b.functionId()));
        return out;
    }

    /** The function's composition, if it has one. */
    public Optional<ComposedRoot> composed(String functionId) {
        FunctionState st = functions.get(functionId);
        if (st == null) {
            return Optional.empty();
        }
        synchronized (st) {
            return st.current == null || st.removed ? Optional.empty() : Optional.of(snapshot(st, st.current));
        }
    }

    /** The stable path of a function ({@code <root>/<fn>/current}), whether or not it is composed. */
    public Path stablePath(String functionId) {
        return root.resolve(GenerationLayout.dirName(functionId)).resolve(CURRENT);
    }

    /** Generations retired but not yet torn down (leased or within the grace period), over all functions. */
    public int pendingGenerations() {
        int n = 0;
        for (FunctionState st : functions.values()) {
            synchronized (st) {
                n += st.retired.size();
            }
        }
        return n;
    }

    public long generationsDestroyed() {
        return reaper.destroyed();
    }

    /** Whether flips use renameat2(RENAME_EXCHANGE) (false after the kernel or file system refused it). */
    public boolean usesRenameExchange() {
        return currentLink.usesRenameExchange();
    }

    /** Tears down every retired generation without leases now, ignoring the grace period. */
    public void reapNow() {
        reaper.reapAll(true);
    }

    /**
     * Removes every function and tears down every generation no invocation holds. Generations still
     * leased stay (logged) and are cleaned by the next {@link #recover()}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        for (String fn : new ArrayList<>(functions.keySet())) {
            try {
                remove(fn);
            } catch (IOException | RuntimeException e) {
                log.warn("closing {} backend: removing function {} failed: {}", name(), fn, e.toString());
            }
        }
        closed = true;
        reaper.shutdown();
        int left = pendingGenerations();
        if (left > 0) {
            log.warn("{} backend closed with {} generation(s) still leased; the next start-up recovery cleans them", name(), left);
        }
    }

    /** Test/crash simulation: stop background work and forget everything without cleaning up. */
    public void abandon() {
        closed = true;
        reaper.shutdown();
    }

    // ---- recovery -------------------------------------------------------------------------------

    /**
     * Start-up recovery (see {@link BackendRecovery}): for every function directory under the root
     * keep the generation {@code current} points at (re-adopting it, or re-building it with
     * {@link #rebuild} when it is not intact), unmount and delete every other generation and
     * half-built one, and unmount any other mount left under the root.
     */
    public RecoveryReport recover() throws IOException {
        checkOpen();
        RecoveryReport r = new BackendRecovery(this).run(st -> functions.put(st.id, st));
        for (FunctionState st : functions.values()) { // recovery made the kept directories 0700 again
            Generation g = st.current;
            for (Path d : g == null ? List.<Path>of() : List.of(root, st.dir, g.dir)) {
                access.grantTraversal(d, nativeIo);
            }
        }
        lastRecovery = r;
        if (r.adopted() + r.rebuilt() + r.removedGenerations() + r.unmounted() + r.removedFunctions() > 0 || !r.problems().isEmpty()) {
            log.info("{} backend recovery under {}: {}", name(), root, r);
        }
        for (String p : r.problems()) {
            log.warn("{} backend recovery: {}", name(), p);
        }
        return r;
    }

    @Override
    public String recoverySummary() {
        RecoveryReport r = lastRecovery;
        return r == null ? "" : BackendRecovery.summary(r);
    }

    protected NativeIO requireNative(String what) throws IOException {
        if (nativeIo.isEmpty()) {
            throw new IOException("cannot " + what + ": the native libc binding is unavailable");
        }
        return nativeIo.get();
    }

    // ---- internals ------------------------------------------------------------------------------

    private FunctionState stateFor(String functionId) throws IOException {
        try {
            return functions.computeIfAbsent(functionId, id -> {
                Path dir = root.resolve(GenerationLayout.dirName(id));
                try {
                    GenerationLayout.ensurePrivateDirectory(dir);
                    access.grantTraversal(root, nativeIo);
                    access.grantTraversal(dir, nativeIo);
                    GenerationLayout.writeFunctionId(dir, id);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                FunctionState st = new FunctionState(id, dir);
                st.nextGen = GenerationLayout.highestGeneration(dir) + 1;
                return st;
            });
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("cannot create the directory of function " + functionId + " under " + root + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private ComposedRoot snapshot(FunctionState st, Generation g) {
        return new ComposedRoot(st.id, name(), st.dir.resolve(CURRENT), g.number, g.layerDirs, st.leases);
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("the " + name() + " backend is closed");
        }
    }

    /** The directory name of a function; see {@link GenerationLayout#dirName}. */
    public static String dirName(String functionId) {
        return GenerationLayout.dirName(functionId);
    }
}
