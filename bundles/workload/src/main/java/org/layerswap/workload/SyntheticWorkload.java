package org.layerswap.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.layerswap.api.InvocationEvent;

/**
 * A seeded synthetic fleet with the arrival patterns real FaaS fleets show (Shahrad et al., ATC'20):
 *
 * <ul>
 *   <li><b>TIMER</b> (12 % of functions): fixed period picked from 1 min (.30), 5 min (.25), 15 min (.20),
 *       1 h (.15), 1 day (.10); random phase; each firing is late by a uniform 0..2 s.</li>
 *   <li><b>HTTP</b> (22 %): diurnal non-homogeneous Poisson, rate r(t) = r (1 + A cos(2 pi (h - peak)/24))
 *       with h the UTC hour of day; mean r log-normal (median 0.35/min, sigma 1.3, clamped to
 *       [0.02, 12]/min), amplitude A in [0.4, 0.9], peak 14:00 +- 2 h per app.</li>
 *   <li><b>BURST</b> (6 %): quiet gaps (exponential, mean 1..6 h per function) then bursts of
 *       20 + log-normal(median 60) invocations spaced exponentially (mean 0.3..3 s).</li>
 *   <li><b>RARE</b> (52 %): Poisson with rate log-uniform in [1/72, 0.8] per hour: all below one an
 *       hour, so with the followers of rare leaders most functions run less than hourly.</li>
 *   <li><b>CHAIN</b> (8 %): followers: each invocation of the leader (a TIMER/HTTP/BURST function, or
 *       for 30 % of them another follower, making A-B-C chains) is followed with probability 0.6..1 after
 *       a log-normal delay (median 0.5..3 s, sigma 0.5, capped to 30 s).</li>
 * </ul>
 * A quarter of the non-timer functions take a {@code dataset} parameter with 2..6 values drawn
 * Zipf(1.2)-distributed; the {@link LayerModel} maps each value to an optional data layer. Each
 * app's invocations come from its main tenant 90 % of the time, else from one of 20 others.
 * Functions are named {@code appNNN/fnNNNN} (1..6 functions per app). Time starts at 0 (midnight UTC).
 *
 * <p>The stream is generated lazily by a k-way merge over per-function arrival processes (a heap of
 * one entry per function plus pending chain followers), so memory is O(functions), whatever the
 * number of invocations. Same config, same events.
 */
public final class SyntheticWorkload {

    public static final long MINUTE = 60_000L;
    public static final long HOUR = 60 * MINUTE;
    public static final long DAY = 24 * HOUR;

    public enum Pattern { TIMER, HTTP, BURST, RARE, CHAIN }

    /** Configuration; {@link #parse(String)} reads {@code days=14,functions=400,seed=1}. */
    public record Config(double days, int functions, long seed) {
        public Config {
            if (!(days > 0) || functions < 1) {
                throw new IllegalArgumentException("synthetic workload needs days > 0 and functions >= 1, got days="
                        + days + " functions=" + functions);
            }
        }

        public static Config parse(String spec) {
            double days = 14;
            int functions = 400;
            long seed = 1;
            if (spec != null && !spec.isBlank()) {
                for (String kv : spec.split(",")) {
                    String[] p = kv.split("=", 2);
                    if (p.length != 2) {
                        throw new IllegalArgumentException("synthetic option '" + kv + "' is not key=value");
                    }
                    String v = p[1].trim();
                    try {
                        switch (p[0].trim().toLowerCase(Locale.ROOT)) {
                            case "days" -> days = Double.parseDouble(v);
                            case "functions" -> functions = Integer.parseInt(v);
                            case "seed" -> seed = Long.parseLong(v);
                            default -> throw new IllegalArgumentException("unknown synthetic option '" + p[0]
                                    + "' (known: days, functions, seed)");
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("synthetic option " + p[0] + " has a bad value '" + v + "'");
                    }
                }
            }
            return new Config(days, functions, seed);
        }
    }

    /** What the generator decided for one function (ground truth for tests and reports). */
    public record FunctionSpec(int index, String id, Pattern pattern, double ratePerHour, long periodMillis,
                               int leader, double followProbability, List<String> datasets) {
    }

    private static final double[] SHARES = {0.12, 0.22, 0.06, 0.52, 0.08}; // TIMER, HTTP, BURST, RARE, CHAIN
    private static final long[] PERIODS = {MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, DAY};
    private static final double[] PERIOD_WEIGHTS = {.30, .25, .20, .15, .10};

    private final Config config;
    private final List<FunctionSpec> specs;
    // per-function parameters
    private final Pattern[] pattern;
    private final double[] rate; // per ms (mean)
    private final double[] amp;
    private final double[] peakHour;
    private final long[] period;
    private final long[] phase;
    private final double[] burstGapMean;
    private final double[] burstSpacingMean;
    private final double[] followProb;
    private final double[] delayMedian;
    private final int[][] followers;
    private final Map<String, String>[][] datasetParams;
    private final double[][] datasetCdf;
    private final String[] ids;
    private final String[] mainTenant;

    public SyntheticWorkload(Config config) {
        this.config = config;
        int n = config.functions();
        pattern = new Pattern[n];
        rate = new double[n];
        amp = new double[n];
        peakHour = new double[n];
        period = new long[n];
        phase = new long[n];
        burstGapMean = new double[n];
        burstSpacingMean = new double[n];
        followProb = new double[n];
        delayMedian = new double[n];
        ids = new String[n];
        mainTenant = new String[n];
        @SuppressWarnings("unchecked")
        Map<String, String>[][] dp = (Map<String, String>[][]) new Map<?, ?>[n][];
        datasetParams = dp;
        datasetCdf = new double[n][];

        SplittableRandom master = new SplittableRandom(config.seed());
        // exact pattern shares, shuffled deterministically
        Pattern[] all = Pattern.values();
        List<Pattern> bag = new ArrayList<>(n);
        int assigned = 0;
        for (int p = 0; p < all.length; p++) {
            int c = p == all.length - 1 ? n - assigned : (int) Math.round(SHARES[p] * n);
            c = Math.max(0, Math.min(c, n - assigned));
            for (int i = 0; i < c; i++) {
                bag.add(all[p]);
            }
            assigned += c;
        }
        Collections.shuffle(bag, new java.util.Random(master.nextLong()));
        // apps of 1..6 functions
        int app = 0;
        int left = 1 + master.nextInt(6);
        double appPeak = 14 + 2 * LayerModel.gaussian(master);
        for (int i = 0; i < n; i++) {
            if (left == 0) {
                app++;
                left = 1 + master.nextInt(6);
                appPeak = 14 + 2 * LayerModel.gaussian(master);
            }
            left--;
            ids[i] = String.format(Locale.ROOT, "app%03d/fn%04d", app, i);
            mainTenant[i] = String.format(Locale.ROOT, "tenant-%02d", app % 20);
            peakHour[i] = appPeak;
        }
        List<Integer> leaders = new ArrayList<>();
        List<Integer> chainSoFar = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pattern[i] = bag.get(i);
            if (pattern[i] == Pattern.TIMER || pattern[i] == Pattern.HTTP || pattern[i] == Pattern.BURST) {
                leaders.add(i);
            }
        }
        int[] leaderOf = new int[n];
        Arrays.fill(leaderOf, -1);
        List<List<Integer>> fol = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fol.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            SplittableRandom r = new SplittableRandom(mix(config.seed(), i));
            switch (pattern[i]) {
                case TIMER -> {
                    period[i] = PERIODS[pick(r, PERIOD_WEIGHTS)];
                    phase[i] = (long) (r.nextDouble() * period[i]);
                    rate[i] = 1.0 / period[i];
                }
                case HTTP -> {
                    double perMin = Math.max(0.02, Math.min(12, 0.35 * Math.exp(1.3 * LayerModel.gaussian(r))));
                    rate[i] = perMin / MINUTE;
                    amp[i] = 0.4 + 0.5 * r.nextDouble();
                }
                case BURST -> {
                    burstGapMean[i] = HOUR * (1 + 5 * r.nextDouble());
                    burstSpacingMean[i] = 300 + 2700 * r.nextDouble();
                    rate[i] = 80.0 / burstGapMean[i];
                }
                case RARE -> {
                    double perHour = Math.exp(Math.log(1.0 / 72) + r.nextDouble() * (Math.log(0.8) - Math.log(1.0 / 72)));
                    rate[i] = perHour / HOUR;
                }
                case CHAIN -> {
                    int leader;
                    if (!chainSoFar.isEmpty() && r.nextDouble() < 0.3) {
                        leader = chainSoFar.get(r.nextInt(chainSoFar.size()));
                    } else if (!leaders.isEmpty()) {
                        leader = leaders.get(r.nextInt(leaders.size()));
                    } else {
                        // degenerate fleet without leaders: behave as a rare function
                        pattern[i] = Pattern.RARE;
                        rate[i] = 0.5 / HOUR;
                        break;
                    }
                    leaderOf[i] = leader;
                    fol.get(leader).add(i);
                    followProb[i] = 0.6 + 0.4 * r.nextDouble();
                    delayMedian[i] = 500 + 2500 * r.nextDouble();
                    chainSoFar.add(i);
                }
            }
            if (pattern[i] != Pattern.TIMER && r.nextDouble() < 0.25) {
                int k = 2 + r.nextInt(5);
                @SuppressWarnings("unchecked")
                Map<String, String>[] vals = (Map<String, String>[]) new Map<?, ?>[k];
                double[] cdf = new double[k];
                double sum = 0;
                for (int v = 0; v < k; v++) {
                    vals[v] = Map.of("dataset", "ds" + v);
                    sum += 1.0 / Math.pow(v + 1, 1.2);
                    cdf[v] = sum;
                }
                for (int v = 0; v < k; v++) {
                    cdf[v] /= sum;
                }
                datasetParams[i] = vals;
                datasetCdf[i] = cdf;
            }
        }
        followers = new int[n][];
        for (int i = 0; i < n; i++) {
            followers[i] = fol.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        // chain followers' effective rate (for the spec) in leader order
        double[] eff = rate.clone();
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < n; i++) {
                if (pattern[i] == Pattern.CHAIN) {
                    eff[i] = eff[leaderOf[i]] * followProb[i];
                }
            }
        }
        List<FunctionSpec> s = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<String> ds = datasetParams[i] == null ? List.of()
                    : Arrays.stream(datasetParams[i]).map(m -> m.get("dataset")).toList();
            s.add(new FunctionSpec(i, ids[i], pattern[i], eff[i] * HOUR, period[i], leaderOf[i], followProb[i], ds));
        }
        specs = Collections.unmodifiableList(s);
    }

    public static SyntheticWorkload of(String spec) {
        return new SyntheticWorkload(Config.parse(spec));
    }

    public Config config() {
        return config;
    }

    public List<FunctionSpec> functions() {
        return specs;
    }

    public long durationMillis() {
        return (long) (config.days() * DAY);
    }

    /** Expected number of invocations (from the specs' mean rates). */
    public double expectedInvocations() {
        return specs.stream().mapToDouble(FunctionSpec::ratePerHour).sum() * durationMillis() / HOUR;
    }

    public InvocationStream stream() {
        return new Generator();
    }

    private static int pick(SplittableRandom r, double[] w) {
        double u = r.nextDouble();
        for (int i = 0; i < w.length; i++) {
            u -= w[i];
            if (u < 0) {
                return i;
            }
        }
        return w.length - 1;
    }

    static long mix(long seed, long i) {
        long z = seed * 0x9E3779B97F4A7C15L + (i + 1) * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private final class Generator implements InvocationStream {
        private static final int SHIFT = 21;
        private final long end = durationMillis();
        private final ReadReport report = new ReadReport("synthetic:days=" + config.days() + ",functions="
                + config.functions() + ",seed=" + config.seed());
        private final SplittableRandom[] rng = new SplittableRandom[ids.length];
        private final int[] burstLeft = new int[ids.length];
        private long[] heap = new long[Math.max(16, ids.length * 2)];
        private int size;
        private long last;
        private InvocationEvent pending;

        Generator() {
            if (ids.length >= (1 << SHIFT)) {
                throw new IllegalArgumentException("at most " + ((1 << SHIFT) - 1) + " synthetic functions");
            }
            for (int i = 0; i < ids.length; i++) {
                rng[i] = new SplittableRandom(mix(config.seed() ^ 0x5DEECE66DL, i));
                if (pattern[i] != Pattern.CHAIN) {
                    long t = first(i);
                    if (t < end) {
                        push((t << SHIFT) | i);
                    }
                }
            }
        }

        private long first(int i) {
            return switch (pattern[i]) {
                case TIMER -> phase[i] + rng[i].nextInt(2000);
                case BURST -> {
                    burstLeft[i] = 0;
                    yield (long) (-Math.log(1 - rng[i].nextDouble()) * burstGapMean[i]);
                }
                default -> nextAfter(i, 0);
            };
        }

        /** The next arrival of function i's own process after t. */
        private long nextAfter(int i, long t) {
            SplittableRandom r = rng[i];
            switch (pattern[i]) {
                case TIMER -> {
                    long k = (t - phase[i]) / period[i] + 1;
                    return phase[i] + k * period[i] + r.nextInt(2000);
                }
                case HTTP -> {
                    double rmax = rate[i] * (1 + amp[i]);
                    double x = t;
                    while (true) {
                        x += -Math.log(1 - r.nextDouble()) / rmax;
                        if (x >= end) {
                            return end;
                        }
                        double hour = (x % DAY) / HOUR;
                        double rt = rate[i] * (1 + amp[i] * Math.cos(2 * Math.PI * (hour - peakHour[i]) / 24));
                        if (r.nextDouble() * rmax <= rt) {
                            return (long) x;
                        }
                    }
                }
                case BURST -> {
                    if (burstLeft[i] > 0) {
                        burstLeft[i]--;
                        return t + 1 + (long) (-Math.log(1 - r.nextDouble()) * burstSpacingMean[i]);
                    }
                    burstLeft[i] = 20 + (int) Math.min(2000, 60 * Math.exp(0.8 * LayerModel.gaussian(r)));
                    return t + (long) (-Math.log(1 - r.nextDouble()) * burstGapMean[i]);
                }
                default -> {
                    return t + 1 + (long) (-Math.log(1 - r.nextDouble()) / rate[i]);
                }
            }
        }

        private void push(long v) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            int k = size++;
            while (k > 0) {
                int p = (k - 1) >>> 1;
                if (heap[p] <= v) {
                    break;
                }
                heap[k] = heap[p];
                k = p;
            }
            heap[k] = v;
        }

        private long pop() {
            long top = heap[0];
            long v = heap[--size];
            int k = 0;
            int half = size >>> 1;
            while (k < half) {
                int c = 2 * k + 1;
                if (c + 1 < size && heap[c + 1] < heap[c]) {
                    c++;
                }
                if (v <= heap[c]) {
                    break;
                }
                heap[k] = heap[c];
                k = c;
            }
            if (size > 0) {
                heap[k] = v;
            }
            return top;
        }

        private InvocationEvent produce() {
            while (size > 0) {
                long top = pop();
                int i = (int) (top & ((1 << SHIFT) - 1));
                long t = top >>> SHIFT;
                if (t >= end) {
                    continue;
                }
                SplittableRandom r = rng[i];
                if (pattern[i] != Pattern.CHAIN) {
                    long nt = nextAfter(i, t);
                    if (nt < end) {
                        push((nt << SHIFT) | i);
                    }
                }
                for (int f : followers[i]) {
                    SplittableRandom fr = rng[f];
                    if (fr.nextDouble() < followProb[f]) {
                        long d = Math.min(30_000L, (long) (delayMedian[f] * Math.exp(0.5 * LayerModel.gaussian(fr))));
                        long ft = t + Math.max(1, d);
                        if (ft < end) {
                            push((ft << SHIFT) | f);
                        }
                    }
                }
                Map<String, String> params = Map.of();
                if (datasetParams[i] != null) {
                    double u = r.nextDouble();
                    double[] cdf = datasetCdf[i];
                    int v = 0;
                    while (v < cdf.length - 1 && u > cdf[v]) {
                        v++;
                    }
                    params = datasetParams[i][v];
                }
                String tenant = r.nextInt(10) == 0 ? String.format(Locale.ROOT, "tenant-%02d", r.nextInt(20)) : mainTenant[i];
                last = t;
                report.line();
                report.accepted();
                report.emitted();
                return new InvocationEvent(ids[i], t, params, tenant);
            }
            return null;
        }

        @Override
        public boolean hasNext() {
            if (pending == null) {
                pending = produce();
            }
            return pending != null;
        }

        @Override
        public InvocationEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            InvocationEvent e = pending;
            pending = null;
            return e;
        }

        @Override
        public ReadReport report() {
            return report;
        }

        @Override
        public double progress() {
            return Math.min(1.0, (double) last / end);
        }

        @Override
        public void close() {
            size = 0;
            pending = null;
        }
    }
}
