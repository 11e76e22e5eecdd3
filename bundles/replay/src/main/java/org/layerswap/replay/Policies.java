package org.layerswap.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.replay.policy.ClairvoyantOracle;
import org.layerswap.replay.policy.GdsfPolicy;
import org.layerswap.replay.policy.HybridHistogramPolicy;
import org.layerswap.replay.policy.InfiniteCacheOracle;
import org.layerswap.replay.policy.KeepAlivePolicy;
import org.layerswap.replay.policy.LruPolicy;
import org.layerswap.replay.policy.PredictivePolicy;
import org.layerswap.replay.policy.SwapManagerPolicy;

/**
 * The standard policy set and its sweeps. Names: {@code lru}, {@code keepalive-<dur>} (e.g.
 * {@code keepalive-10m}), {@code gdsf}, {@code hybrid-histogram}, {@code oracle-infinite},
 * {@code oracle-clairvoyant}, {@code predictive:<class>[@threshold]} for a
 * {@link BehavioralProfiler} class with a public no-argument constructor on the class path, and
 * {@code swap-manager[:<predictor>][@threshold]}: the swap manager's own planners
 * ({@link SwapManagerPolicy}) on the named project predictor (default {@value #SWAP_MANAGER_DEFAULT_PREDICTOR},
 * the appliance's default).
 */
public final class Policies {

    public static final List<String> STANDARD = List.of("lru", "keepalive-1m", "keepalive-10m", "keepalive-20m",
            "gdsf", "hybrid-histogram", "oracle-infinite", "oracle-clairvoyant");

    /** The appliance's default predictor ({@code etc/org.layerswap.profiler.cfg}). */
    public static final String SWAP_MANAGER_DEFAULT_PREDICTOR = "markov";

    private Policies() {
    }

    public static List<PolicySpec> standard(long oracleHorizonMillis) {
        List<PolicySpec> out = new ArrayList<>();
        for (String n : STANDARD) {
            out.add(byName(n, oracleHorizonMillis));
        }
        return out;
    }

    public static PolicySpec byName(String name, long oracleHorizonMillis) {
        return byName(name, oracleHorizonMillis, 1000, 15 * 60_000L);
    }

    /** As {@link #byName(String, long)}, with the predictive policies' decision and calibration intervals. */
    public static PolicySpec byName(String name, long oracleHorizonMillis, long decisionIntervalMillis,
                                    long calibrationIntervalMillis) {
        return byName(name, oracleHorizonMillis, decisionIntervalMillis, calibrationIntervalMillis,
                SwapPlanners.DEFAULT_FETCH_BUDGET_VS_LRU);
    }

    /**
     * As {@link #byName(String, long, long, long)}, with the {@code swap-manager} policies' bandwidth budget (bytes
     * fetched at most {@code fetchBudgetVsLru} times a plain LRU cache's; 0: none; the swap manager's default 1.5).
     */
    public static PolicySpec byName(String name, long oracleHorizonMillis, long decisionIntervalMillis,
                                    long calibrationIntervalMillis, double fetchBudgetVsLru) {
        String n = name.trim();
        String lower = n.toLowerCase(Locale.ROOT);
        if (lower.equals("lru")) {
            return new PolicySpec("lru", "lru", 1.0, LruPolicy::new);
        }
        if (lower.startsWith("keepalive-")) {
            long ms = Units.millis(lower.substring("keepalive-".length()));
            return keepAlive(ms);
        }
        if (lower.equals("gdsf")) {
            return new PolicySpec("gdsf", "gdsf", 1.0, GdsfPolicy::new);
        }
        if (lower.equals("hybrid-histogram") || lower.equals("hybrid")) {
            return new PolicySpec("hybrid-histogram", "hybrid", 99, HybridHistogramPolicy::new);
        }
        if (lower.equals("oracle-infinite")) {
            return new PolicySpec("oracle-infinite", "oracle", Double.NaN, InfiniteCacheOracle::new);
        }
        if (lower.equals("oracle-clairvoyant")) {
            return new PolicySpec("oracle-clairvoyant", "oracle", Double.NaN,
                    () -> new ClairvoyantOracle(oracleHorizonMillis));
        }
        if (lower.startsWith("predictive:")) {
            String rest = n.substring("predictive:".length());
            double threshold = 0.5;
            int at = rest.indexOf('@');
            if (at >= 0) {
                threshold = threshold(rest.substring(at + 1), name);
                rest = rest.substring(0, at);
            }
            Supplier<? extends BehavioralProfiler> factory = ProjectPredictors.NAMES.contains(rest.toLowerCase(Locale.ROOT))
                    ? ProjectPredictors.profiler(rest.toLowerCase(Locale.ROOT))
                    : reflectiveFactory(rest);
            SwapPlanners.require(name);
            return predictive(rest, factory, threshold, decisionIntervalMillis, calibrationIntervalMillis);
        }
        if (lower.equals("swap-manager") || lower.startsWith("swap-manager:") || lower.startsWith("swap-manager@")) {
            String rest = lower.substring("swap-manager".length());
            double threshold = SwapPlanners.defaultThreshold(name);
            int at = rest.indexOf('@');
            if (at >= 0) {
                threshold = threshold(rest.substring(at + 1), name);
                rest = rest.substring(0, at);
            }
            String predictor = rest.startsWith(":") ? rest.substring(1) : SWAP_MANAGER_DEFAULT_PREDICTOR;
            if (!ProjectPredictors.NAMES.contains(predictor)) {
                throw new IllegalArgumentException("unknown predictor '" + predictor + "' in policy '" + name
                        + "' (known: " + String.join(", ", ProjectPredictors.NAMES) + ")");
            }
            return swapManager(predictor, ProjectPredictors.profiler(predictor), threshold, decisionIntervalMillis,
                    calibrationIntervalMillis, fetchBudgetVsLru);
        }
        throw new IllegalArgumentException("unknown policy '" + name + "' (known: " + String.join(", ", STANDARD)
                + ", keepalive-<duration>, predictive:<" + String.join("|", ProjectPredictors.NAMES)
                + "|BehavioralProfiler supplier class>[@threshold], swap-manager[:" + String.join("|", ProjectPredictors.NAMES)
                + "][@threshold])");
    }

    private static double threshold(String v, String policy) {
        double t;
        try {
            t = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("policy '" + policy + "': threshold '" + v + "' is not a number in [0,1]");
        }
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("policy '" + policy + "': threshold " + v + " is not in [0,1]");
        }
        return t;
    }

    /**
     * The swap manager's planners on a profiler: {@code swap-manager-<predictor>@<threshold>}, with the
     * manager's default settings ({@code SwapSettings.DEFAULT}) at that threshold.
     */
    public static PolicySpec swapManager(String predictorName, Supplier<? extends BehavioralProfiler> factory, double threshold,
                                         long decisionIntervalMillis, long calibrationIntervalMillis) {
        return swapManager(predictorName, factory, threshold, decisionIntervalMillis, calibrationIntervalMillis,
                SwapPlanners.DEFAULT_FETCH_BUDGET_VS_LRU);
    }

    /** As above, with the bandwidth budget (times a plain LRU cache's bytes; 0: none). */
    public static PolicySpec swapManager(String predictorName, Supplier<? extends BehavioralProfiler> factory, double threshold,
                                         long decisionIntervalMillis, long calibrationIntervalMillis, double fetchBudgetVsLru) {
        SwapPlanners.require("swap-manager:" + predictorName);
        String family = "swap-manager-" + simpleName(predictorName);
        String full = family + "@" + threshold;
        return new PolicySpec(full, family, threshold,
                () -> SwapPlanners.policy(full, factory, threshold, decisionIntervalMillis, calibrationIntervalMillis,
                        fetchBudgetVsLru));
    }

    public static PolicySpec keepAlive(long ms) {
        KeepAlivePolicy probe = new KeepAlivePolicy(ms);
        return new PolicySpec(probe.name(), "keepalive", ms / 60_000.0, () -> new KeepAlivePolicy(ms));
    }

    /** One line to replay any profiler: {@code Policies.predictive("markov", MarkovProfiler::new, 0.5)}. */
    public static PolicySpec predictive(String name, Supplier<? extends BehavioralProfiler> factory, double threshold) {
        return predictive(name, factory, threshold, 1000, 15 * 60_000L);
    }

    public static PolicySpec predictive(String name, Supplier<? extends BehavioralProfiler> factory, double threshold,
                                        long decisionIntervalMillis, long calibrationIntervalMillis) {
        String full = "predictive-" + simpleName(name) + "@" + threshold;
        return new PolicySpec(full, "predictive-" + simpleName(name), threshold,
                () -> new PredictivePolicy(full, factory, threshold, 64, decisionIntervalMillis, calibrationIntervalMillis));
    }

    private static String simpleName(String n) {
        int dot = n.lastIndexOf('.');
        return dot >= 0 ? n.substring(dot + 1) : n;
    }

    /**
     * A factory from a class name: a {@link BehavioralProfiler} with a public no-argument constructor
     * (one instance per replay), or a {@code Supplier<BehavioralProfiler>} with one (for profilers that
     * need settings and a predictor, e.g. {@code () -> new ProfilerEngine(settings, predictor)}).
     */
    @SuppressWarnings("unchecked")
    static Supplier<BehavioralProfiler> reflectiveFactory(String className) {
        Class<?> c;
        try {
            c = Class.forName(className, true, Policies.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            try {
                c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e2) {
                throw new IllegalArgumentException("profiler class " + className + " is not on the class path");
            }
        }
        boolean profiler = BehavioralProfiler.class.isAssignableFrom(c);
        if (!profiler && !Supplier.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(className + " implements neither " + BehavioralProfiler.class.getName()
                    + " nor java.util.function.Supplier<BehavioralProfiler>");
        }
        Class<?> cls = c;
        try {
            cls.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(className + " has no public no-argument constructor");
        }
        return () -> {
            try {
                Object o = cls.getConstructor().newInstance();
                Object p = profiler ? o : ((Supplier<Object>) o).get();
                if (!(p instanceof BehavioralProfiler bp)) {
                    throw new IllegalArgumentException(className + " supplied " + p + ", not a BehavioralProfiler");
                }
                return bp;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot construct " + className + ": " + e, e);
            }
        };
    }

    /** Sweep points of each family's own knob (keep-alive length, percentile, budget share, threshold). */
    public static List<PolicySpec> sweep(List<PolicySpec> selected, long oracleHorizonMillis) {
        List<PolicySpec> out = new ArrayList<>();
        for (PolicySpec p : selected) {
            switch (p.family()) {
                case "keepalive" -> {
                    if (out.stream().noneMatch(x -> x.family().equals("keepalive"))) {
                        for (long m : new long[] {1, 2, 5, 10, 20, 30, 60, 120, 240}) {
                            out.add(keepAlive(m * 60_000L));
                        }
                    }
                }
                case "lru", "gdsf" -> {
                    for (double share : new double[] {0.125, 0.25, 0.5, 1, 2}) {
                        String nm = p.family() + "-budget" + share;
                        Supplier<ReplayPolicy> f = p.family().equals("lru") ? LruPolicy::new : GdsfPolicy::new;
                        out.add(new PolicySpec(nm, p.family(), share, share, f));
                    }
                }
                case "hybrid" -> {
                    for (double tail : new double[] {90, 95, 99, 99.9}) {
                        out.add(new PolicySpec(new HybridHistogramPolicy(240, 5, tail, 5).name(), "hybrid", tail,
                                () -> new HybridHistogramPolicy(240, 5, tail, 5)));
                    }
                }
                case "oracle" -> { }
                default -> {
                    if (p.family().startsWith("predictive-") || p.family().startsWith("swap-manager-")) {
                        for (double th : new double[] {0.1, 0.2, 0.3, 0.5, 0.7, 0.9}) {
                            PolicySpec base = p;
                            out.add(new PolicySpec(p.family() + "@" + th, p.family(), th, () -> {
                                ReplayPolicy proto = base.factory().get();
                                return proto instanceof SwapManagerPolicy s ? s.withThreshold(th)
                                        : ((PredictivePolicy) proto).withThreshold(th);
                            }));
                        }
                    }
                }
            }
        }
        return out;
    }
}
