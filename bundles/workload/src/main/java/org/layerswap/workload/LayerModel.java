package org.layerswap.workload;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;

/**
 * Maps function ids to realistic layered images, deterministically (a function's stack depends only
 * on the seed and the ids, never on call order). Traces carry no images, so this model supplies them.
 *
 * <p>Stack of a function, base first (sizes are compressed bytes, as registries serve them):
 * <ol>
 *   <li><b>OS base</b>, shared by many apps: one of five bases picked per app (weights):
 *       debian-slim 29 MB (.35), alpine 3.4 MB (.20), ubuntu 29 MB (.15), distroless 20 MB (.15),
 *       amazonlinux 52 MB (.15).</li>
 *   <li><b>Language runtime</b>, shared by all apps of a runtime: node 45 MB (.35), python 50 MB (.25),
 *       dotnet 32 MB (.25), java 62 MB (.10); custom/go apps (.05) have none.</li>
 *   <li><b>Dependencies</b>, per app: one layer (70 %) or two (30 %); log-normal, median 25 MB,
 *       sigma 1.2 (p5 ~ 3.5 MB, p95 ~ 180 MB), clamped to [256 KiB, 1.5 GiB]; the second layer has median
 *       8 MB. With app memory figures (Azure 2019 memory file) the median scales with
 *       sqrt(memory / 192 MB), bounded to [0.5, 4].</li>
 *   <li><b>Code</b>, per function: log-normal, median 512 KiB, sigma 1.0, clamped to [4 KiB, 64 MiB].</li>
 * </ol>
 * Optional <b>data layers</b>: an invocation parameter whose key is one of {@link #dataKeys()} (default
 * {@code dataset}, {@code model}) selects the layer of (app, key, value): log-normal, median 80 MB,
 * sigma 1.0, clamped to [1 MiB, 2 GiB].
 *
 * <p>The app of a function id is the part before its last {@code /} (the trace readers emit
 * {@code app/func}); an id without {@code /} is its own app. Digests are SHA-256 of a descriptive
 * string, so they are valid OCI digests.
 */
public final class LayerModel implements LayerResolver {

    private static final String[] BASES = {"debian-slim", "alpine", "ubuntu", "distroless", "amazonlinux"};
    private static final double[] BASE_WEIGHTS = {.35, .20, .15, .15, .15};
    private static final long[] BASE_SIZES = {29_000_000L, 3_400_000L, 29_000_000L, 20_000_000L, 52_000_000L};
    private static final String[] RUNTIMES = {"node", "python", "dotnet", "java", "custom"};
    private static final double[] RUNTIME_WEIGHTS = {.35, .25, .25, .10, .05};
    private static final long[] RUNTIME_SIZES = {45_000_000L, 50_000_000L, 32_000_000L, 62_000_000L, 0L};

    private final long seed;
    private final Set<String> dataKeys;
    private final Map<String, Double> appMemoryMb;
    private final Map<String, List<LayerDescriptor>> cache = new ConcurrentHashMap<>();
    private final Map<String, LayerDescriptor> dataCache = new ConcurrentHashMap<>();

    public LayerModel(long seed) {
        this(seed, Set.of("dataset", "model"), Map.of());
    }

    public LayerModel(long seed, Set<String> dataKeys, Map<String, Double> appMemoryMb) {
        this.seed = seed;
        this.dataKeys = Set.copyOf(dataKeys);
        this.appMemoryMb = Map.copyOf(appMemoryMb);
    }

    /** The same model, with dependency sizes scaled by each app's allocated memory. */
    public LayerModel withAppMemory(Map<String, Double> memoryMbByApp) {
        return new LayerModel(seed, dataKeys, memoryMbByApp);
    }

    public Set<String> dataKeys() {
        return dataKeys;
    }

    public static String appOf(String functionId) {
        int slash = functionId.lastIndexOf('/');
        return slash > 0 ? functionId.substring(0, slash) : functionId;
    }

    /** The runtime this model assigns to a function's app (node, python, dotnet, java or custom). */
    public String runtimeOf(String functionId) {
        return RUNTIMES[pick(rng("runtime", appOf(functionId)), RUNTIME_WEIGHTS)];
    }

    public String baseOf(String functionId) {
        return BASES[pick(rng("base", appOf(functionId)), BASE_WEIGHTS)];
    }

    @Override
    public List<LayerDescriptor> baseLayers(String functionId) {
        return cache.computeIfAbsent(functionId, this::build);
    }

    private List<LayerDescriptor> build(String functionId) {
        String app = appOf(functionId);
        List<LayerDescriptor> stack = new ArrayList<>(5);
        int base = pick(rng("base", app), BASE_WEIGHTS);
        stack.add(layer("base:" + BASES[base], BASE_SIZES[base]));
        int runtime = pick(rng("runtime", app), RUNTIME_WEIGHTS);
        if (RUNTIME_SIZES[runtime] > 0) {
            stack.add(layer("runtime:" + RUNTIMES[runtime] + "@" + BASES[base], RUNTIME_SIZES[runtime]));
        }
        SplittableRandom deps = rng("deps", app);
        double scale = 1.0;
        Double mem = appMemoryMb.get(app);
        if (mem != null && mem > 0) {
            scale = Math.max(0.5, Math.min(4.0, Math.sqrt(mem / 192.0)));
        }
        stack.add(layer("deps1:" + app, logNormal(deps, 25e6 * scale, 1.2, 256 * 1024L, 1536L << 20)));
        if (deps.nextDouble() < 0.30) {
            stack.add(layer("deps2:" + app, logNormal(deps, 8e6 * scale, 1.2, 256 * 1024L, 1536L << 20)));
        }
        stack.add(layer("code:" + functionId, logNormal(rng("code", functionId), 512 * 1024.0, 1.0, 4096L, 64L << 20)));
        return List.copyOf(stack);
    }

    @Override
    public List<LayerDescriptor> optionalLayers(String functionId, Map<String, String> params) {
        if (params.isEmpty()) {
            return List.of();
        }
        List<LayerDescriptor> out = null;
        for (Map.Entry<String, String> p : params.size() == 1 ? params.entrySet() : new TreeMap<>(params).entrySet()) {
            if (!dataKeys.contains(p.getKey()) || p.getValue().isEmpty()) {
                continue;
            }
            String key = appOf(functionId) + "|" + p.getKey() + "=" + p.getValue();
            LayerDescriptor d = dataCache.computeIfAbsent(key,
                    k -> layer("data:" + k, logNormal(rng("data", k), 80e6, 1.0, 1L << 20, 2L << 30)));
            if (out == null) {
                out = new ArrayList<>(2);
            }
            out.add(d);
        }
        return out == null ? List.of() : out;
    }

    /** The function layer map (base stacks) of the given functions. */
    public FunctionLayerMap functionLayerMap(Collection<String> functionIds) {
        Map<String, List<LayerId>> m = new LinkedHashMap<>();
        for (String f : functionIds) {
            m.put(f, baseLayers(f).stream().map(LayerDescriptor::id).toList());
        }
        return FunctionLayerMap.of(m);
    }

    private LayerDescriptor layer(String name, long size) {
        return new LayerDescriptor(digest("layerswap-model:" + seed + ":" + name), size, LayerDescriptor.OCI_TAR_GZIP);
    }

    static LayerId digest(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(71).append("sha256:");
            for (byte b : h) {
                sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return new LayerId(sb.toString());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private SplittableRandom rng(String kind, String key) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (int i = 0; i < kind.length(); i++) {
            h = (h ^ kind.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ '#') * 0x100000001b3L;
        for (int i = 0; i < key.length(); i++) {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        return new SplittableRandom(h);
    }

    private static int pick(SplittableRandom r, double[] weights) {
        double u = r.nextDouble();
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static long logNormal(SplittableRandom r, double median, double sigma, long min, long max) {
        double v = median * Math.exp(sigma * gaussian(r));
        return Math.max(min, Math.min(max, Math.round(v)));
    }

    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
