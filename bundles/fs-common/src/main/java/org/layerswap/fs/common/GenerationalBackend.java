package org.layerswap.fs.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.layerswap.api.ComposedRoot;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.RootLease;
import org.layerswap.nativeio.NativeErrnoException;
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
 */
public abstract class GenerationalBackend implements FilesystemBackend, AutoCloseable {

    public static final String CURRENT = "current";
    static final String TMP = "current.tmp";
    static final String FUNCTION_FILE = "function";
    static final String LAYERS_FILE = "layers";
    static final String MERGED = "merged";
    static final Pattern GEN_DIR = Pattern.compile("gen-(\\d+)");
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;

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
    private final long graceNanos;
    private final ConcurrentHashMap<String, FunctionState> functions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;
    private final Object reapLock = new Object();
    private volatile boolean exchangeSupported = true;
    private volatile boolean closed;
    private final AtomicLong generationsDestroyed = new AtomicLong();

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
        this.graceNanos = TimeUnit.MILLISECONDS.toNanos(graceMillis);
        this.nativeIo = NativeIO.tryGet();
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "layerswap-fs-reaper-" + this.root.getFileName());
            t.setDaemon(true);
            return t;
        });
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
            return dir.resolve(MERGED);
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

    static final class FunctionState {
        final String id;
        final Path dir;
        final Object buildLock = new Object();
        Generation current;
        final List<Generation> retired = new ArrayList<>();
        int leases;
        boolean removed;
        boolean deleted;
        long nextGen = 1;

        FunctionState(String id, Path dir) {
            this.id = id;
            this.dir = dir;
        }
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
        List<Path> dirs = checkLayers(functionId, layerDirs);
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
                Generation g = new Generation(st, n, st.dir.resolve("gen-" + n), dirs);
                Generation prev;
                synchronized (st) {
                    prev = st.current;
                }
                try {
                    Files.createDirectory(g.dir);
                    Files.write(g.dir.resolve(LAYERS_FILE), joinLines(dirs));
                    build(g, dirs, keepWrites ? prev : null);
                    flip(st.dir, g); // only a fully built generation is ever flipped in: current implies complete
                } catch (IOException | RuntimeException e) {
                    destroyQuietly(g);
                    throw e;
                }
                synchronized (st) {
                    Generation old = st.current;
                    st.current = g;
                    if (old != null) {
                        retire(old);
                    }
                    return snapshot(st, g);
                }
            }
        }
    }

    @Override
    public RootLease enter(String functionId) throws IOException {
        FunctionState st = functions.get(functionId);
        Generation g;
        if (st != null) {
            synchronized (st) {
                g = st.current;
                if (g != null && !st.removed) {
                    g.refs++;
                    st.leases++;
                    return new Lease(g);
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
                    retire(c);
                }
            }
        }
        reapFunction(st, true);
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
        return root.resolve(dirName(functionId)).resolve(CURRENT);
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
        return generationsDestroyed.get();
    }

    /** Whether flips use renameat2(RENAME_EXCHANGE) (false after the kernel or file system refused it). */
    public boolean usesRenameExchange() {
        return exchangeSupported && nativeIo.isPresent();
    }

    /** Tears down every retired generation without leases now, ignoring the grace period. */
    public void reapNow() {
        for (FunctionState st : functions.values()) {
            reapFunction(st, true);
        }
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
        reaper.shutdownNow();
        int left = pendingGenerations();
        if (left > 0) {
            log.warn("{} backend closed with {} generation(s) still leased; the next start-up recovery cleans them", name(), left);
        }
    }

    /** Test/crash simulation: stop background work and forget everything without cleaning up. */
    public void abandon() {
        closed = true;
        reaper.shutdownNow();
    }

    // ---- recovery -------------------------------------------------------------------------------

    /**
     * Start-up recovery: for every function directory under the root keep the generation
     * {@code current} points at (re-adopting it, or re-building it with {@link #rebuild} when it is
     * not intact), unmount and delete every other generation and half-built one, and unmount any
     * other mount left under the root.
     */
    public RecoveryReport recover() throws IOException {
        checkOpen();
        Files.createDirectories(root);
        MountTable mt = MountTable.read();
        int adopted = 0;
        int rebuilt = 0;
        int removedGens = 0;
        int unmounted = 0;
        int removedFns = 0;
        List<String> problems = new ArrayList<>();
        List<Path> keptMerged = new ArrayList<>();
        List<Path> fnDirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().startsWith(".")) {
                    fnDirs.add(p);
                }
            }
        }
        for (Path fnDir : fnDirs) {
            Path idFile = fnDir.resolve(FUNCTION_FILE);
            String id = Files.isRegularFile(idFile, LinkOption.NOFOLLOW_LINKS)
                    ? Files.readString(idFile, StandardCharsets.UTF_8).trim() : null;
            if (id != null && (id.isEmpty() || !dirName(id).equals(fnDir.getFileName().toString()))) {
                problems.add(fnDir + ": function file names '" + id + "', which does not map to this directory");
                id = null;
            }
            Path cur = fnDir.resolve(CURRENT);
            String curGen = null;
            if (Files.isSymbolicLink(cur)) {
                String target = Files.readSymbolicLink(cur).toString();
                if (target.matches("gen-\\d+/" + MERGED)) {
                    curGen = target.substring(0, target.indexOf('/'));
                }
            }
            Files.deleteIfExists(fnDir.resolve(TMP));
            FunctionState st = id == null ? null : new FunctionState(id, fnDir);
            Generation keep = null;
            long maxGen = 0;
            List<Path> genDirs = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(fnDir)) {
                for (Path p : ds) {
                    if (GEN_DIR.matcher(p.getFileName().toString()).matches()) {
                        genDirs.add(p);
                    }
                }
            }
            for (Path genDir : genDirs) {
                String name = genDir.getFileName().toString();
                long n = Long.parseLong(name.substring(4));
                maxGen = Math.max(maxGen, n);
                if (st != null && name.equals(curGen) && Files.exists(genDir.resolve(LAYERS_FILE))) {
                    List<Path> layers = readLayers(genDir);
                    Generation g = new Generation(st, n, genDir, layers);
                    if (isIntact(g, mt)) {
                        g.setMounted(mt.isMountPoint(g.merged()));
                        keep = g;
                        adopted++;
                    } else {
                        try {
                            unmounted += unmountUnder(genDir, mt);
                            rebuild(g);
                            keep = g;
                            rebuilt++;
                        } catch (IOException | RuntimeException e) {
                            problems.add("function " + id + ": cannot rebuild " + genDir + ": " + e.getMessage());
                        }
                    }
                    if (keep != null) {
                        keptMerged.add(g.merged().toAbsolutePath().normalize());
                        continue;
                    }
                }
                try {
                    unmounted += unmountUnder(genDir, mt);
                    Trees.deleteTree(genDir);
                    removedGens++;
                } catch (IOException e) {
                    problems.add("cannot remove stale generation " + genDir + ": " + e.getMessage());
                }
            }
            if (keep == null) {
                try {
                    unmounted += unmountUnder(fnDir, mt);
                    Trees.deleteTree(fnDir);
                    removedFns++;
                } catch (IOException e) {
                    problems.add("cannot remove " + fnDir + ": " + e.getMessage());
                }
                continue;
            }
            st.current = keep;
            st.nextGen = maxGen + 1;
            functions.put(id, st);
        }
        // anything else still mounted under the root (e.g. a probe mount) goes too
        MountTable after = MountTable.read();
        for (MountTable.Mount m : after.under(root)) {
            if (!keptMerged.contains(m.mountPoint())) {
                try {
                    requireNative("unmount stray " + m.mountPoint()).umount2(m.mountPoint(), NativeIO.MNT_DETACH);
                    unmounted++;
                } catch (IOException e) {
                    problems.add("cannot unmount stray mount " + m.mountPoint() + ": " + e.getMessage());
                }
            }
        }
        RecoveryReport r = new RecoveryReport(adopted, rebuilt, removedGens, unmounted, removedFns, problems);
        if (adopted + rebuilt + removedGens + unmounted + removedFns > 0 || !problems.isEmpty()) {
            log.info("{} backend recovery under {}: {}", name(), root, r);
        }
        for (String p : problems) {
            log.warn("{} backend recovery: {}", name(), p);
        }
        return r;
    }

    private int unmountUnder(Path dir, MountTable mt) throws IOException {
        int n = 0;
        for (MountTable.Mount m : mt.under(dir)) {
            requireNative("unmount " + m.mountPoint()).umount2(m.mountPoint(), NativeIO.MNT_DETACH);
            n++;
        }
        return n;
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
                Path dir = root.resolve(dirName(id));
                try {
                    Files.createDirectories(dir);
                    Files.writeString(dir.resolve(FUNCTION_FILE), id, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                FunctionState st = new FunctionState(id, dir);
                st.nextGen = highestGeneration(dir) + 1;
                return st;
            });
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("cannot create the directory of function " + functionId + " under " + root + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private static long highestGeneration(Path dir) {
        long max = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                var m = GEN_DIR.matcher(p.getFileName().toString());
                if (m.matches()) {
                    max = Math.max(max, Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            // fresh directory
        }
        return max;
    }

    private void retire(Generation g) {
        g.retiredAtNanos = System.nanoTime();
        g.retired = true;
        g.fn.retired.add(g);
        scheduleReap(graceNanos);
    }

    private void scheduleReap(long delayNanos) {
        if (closed) {
            return;
        }
        try {
            reaper.schedule(this::reapAll, delayNanos + TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    private void reapAll() {
        for (FunctionState st : functions.values()) {
            reapFunction(st, false);
        }
    }

    private void reapFunction(FunctionState st, boolean ignoreGrace) {
        synchronized (reapLock) {
            long now = System.nanoTime();
            List<Generation> victims = new ArrayList<>();
            long soonest = Long.MAX_VALUE;
            synchronized (st) {
                for (Iterator<Generation> it = st.retired.iterator(); it.hasNext(); ) {
                    Generation g = it.next();
                    if (g.refs == 0) {
                        long age = now - g.retiredAtNanos;
                        if (ignoreGrace || age >= graceNanos) {
                            it.remove();
                            victims.add(g);
                        } else {
                            soonest = Math.min(soonest, graceNanos - age);
                        }
                    }
                }
            }
            for (Generation g : victims) {
                if (!destroyQuietly(g)) {
                    synchronized (st) {
                        st.retired.add(g); // retried by the next reap
                    }
                }
            }
            if (soonest != Long.MAX_VALUE) {
                scheduleReap(soonest);
            }
            functions.computeIfPresent(st.id, (id, s) -> {
                if (s != st) {
                    return s;
                }
                synchronized (st) {
                    if (!st.removed || st.current != null || !st.retired.isEmpty() || st.leases > 0) {
                        return s;
                    }
                    try {
                        Files.deleteIfExists(st.dir.resolve(CURRENT));
                        Files.deleteIfExists(st.dir.resolve(TMP));
                        Trees.deleteTree(st.dir);
                    } catch (IOException e) {
                        log.warn("{} backend: cannot delete the directory of removed function {}: {}", name(), id, e.toString());
                    }
                    st.deleted = true;
                    return null;
                }
            });
        }
    }

    private boolean destroyQuietly(Generation g) {
        try {
            teardown(g);
            Trees.deleteTree(g.dir);
            generationsDestroyed.incrementAndGet();
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("{} backend: cannot tear down generation {} of function {}: {}", name(), g.number, g.fn.id, e.toString());
            return false;
        }
    }

    private void flip(Path fnDir, Generation g) throws IOException {
        Path tmp = fnDir.resolve(TMP);
        Path cur = fnDir.resolve(CURRENT);
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(g.dir.getFileName().toString(), MERGED));
        if (exchangeSupported && nativeIo.isPresent() && Files.isSymbolicLink(cur)) {
            try {
                nativeIo.get().renameat2(tmp, cur, NativeIO.RENAME_EXCHANGE);
                Files.deleteIfExists(tmp); // now the old link
                return;
            } catch (NativeErrnoException e) {
                if (e.errno() != EINVAL && e.errno() != ENOSYS) {
                    throw e;
                }
                exchangeSupported = false;
                log.info("{} backend: renameat2(RENAME_EXCHANGE) unsupported here ({}); flipping with rename(2)", name(), e.getMessage());
            }
        }
        Files.move(tmp, cur, StandardCopyOption.ATOMIC_MOVE); // rename(2): atomically replaces the old link
    }

    private ComposedRoot snapshot(FunctionState st, Generation g) {
        return new ComposedRoot(st.id, name(), st.dir.resolve(CURRENT), g.number, g.layerDirs, st.leases);
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("the " + name() + " backend is closed");
        }
    }

    private static List<Path> checkLayers(String functionId, List<Path> layerDirs) throws IOException {
        if (functionId == null || functionId.isBlank()) {
            throw new IllegalArgumentException("compose without a function id");
        }
        if (layerDirs == null || layerDirs.isEmpty()) {
            throw new IllegalArgumentException("function " + functionId + ": no layer directories to compose");
        }
        List<Path> out = new ArrayList<>(layerDirs.size());
        for (Path p : layerDirs) {
            if (p == null) {
                throw new IllegalArgumentException("function " + functionId + ": null layer directory");
            }
            Path a = p.toAbsolutePath().normalize();
            if (!Files.isDirectory(a)) {
                throw new IOException("function " + functionId + ": layer directory " + a + " does not exist or is not a directory");
            }
            if (a.toString().indexOf('\n') >= 0) {
                throw new IllegalArgumentException("function " + functionId + ": layer directory name contains a newline: " + a);
            }
            out.add(a);
        }
        return out;
    }

    private static List<String> joinLines(List<Path> dirs) {
        List<String> out = new ArrayList<>();
        for (Path d : dirs) {
            out.add(d.toString());
        }
        return out;
    }

    private static List<Path> readLayers(Path genDir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String l : Files.readAllLines(genDir.resolve(LAYERS_FILE), StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                out.add(Path.of(l));
            }
        }
        return out;
    }

    /**
     * The directory name of a function: safe characters kept, anything else %-escaped; long ids are
     * cut and suffixed with a hash so names stay short (they appear in overlay mount options).
     */
    public static String dirName(String functionId) {
        StringBuilder b = new StringBuilder();
        for (byte c : functionId.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || (c == '.' && b.length() > 0)) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        if (b.length() > 48) {
            try {
                byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(functionId.getBytes(StandardCharsets.UTF_8));
                StringBuilder hex = new StringBuilder();
                for (int i = 0; i < 8; i++) {
                    hex.append(String.format("%02x", h[i]));
                }
                return b.substring(0, 31) + "~" + hex;
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }

    private final class Lease implements RootLease {
        private final Generation g;
        private final AtomicBoolean open = new AtomicBoolean(true);

        Lease(Generation g) {
            this.g = g;
        }

        @Override
        public String functionId() {
            return g.fn.id;
        }

        @Override
        public Path root() {
            return g.merged();
        }

        @Override
        public long generation() {
            return g.number;
        }

        @Override
        public List<Path> layerDirs() {
            return g.layerDirs;
        }

        @Override
        public void close() {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            boolean reap;
            FunctionState st = g.fn;
            synchronized (st) {
                g.refs--;
                st.leases--;
                reap = g.retired && g.refs == 0;
            }
            if (reap) {
                long age = System.nanoTime() - g.retiredAtNanos;
                scheduleReap(Math.max(0, graceNanos - age));
            }
        }

        @Override
        public String toString() {
            return "RootLease[" + g.fn.id + " gen " + g.number + " " + g.merged() + "]";
        }
    }
}
