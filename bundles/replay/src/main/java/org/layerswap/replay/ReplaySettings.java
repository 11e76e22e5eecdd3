package org.layerswap.replay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to replay and how. Mutable builder-style settings; {@link ReplayRunner} reads them.
 */
public final class ReplaySettings {

    private String trace;
    private Path layerMapping;
    private long layerModelSeed = 1;
    private long traceSeed = 1;
    private NodeSettings node = NodeSettings.defaults();
    private long warmupMillis = 3_600_000L;
    private long spanMillis = Long.MAX_VALUE;
    private long oracleHorizonMillis = 60_000L;
    private final List<PolicySpec> policies = new ArrayList<>();
    private boolean sweep;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private Path outDir;
    private boolean charts = true;
    private long decisionIntervalMillis = 1000;
    private long calibrationIntervalMillis = 15 * 60_000L;

    public ReplaySettings trace(String spec) {
        this.trace = Objects.requireNonNull(spec, "trace");
        return this;
    }

    public String trace() {
        return trace;
    }

    /** Explicit function-to-layers mapping file; functions not in it fall back to the layer model. */
    public ReplaySettings layerMapping(Path p) {
        this.layerMapping = p;
        return this;
    }

    public Path layerMapping() {
        return layerMapping;
    }

    public ReplaySettings layerModelSeed(long s) {
        this.layerModelSeed = s;
        return this;
    }

    public long layerModelSeed() {
        return layerModelSeed;
    }

    /** Seed for trace expansion (Azure 2019 minute spreading). */
    public ReplaySettings traceSeed(long s) {
        this.traceSeed = s;
        return this;
    }

    public long traceSeed() {
        return traceSeed;
    }

    public ReplaySettings node(NodeSettings n) {
        this.node = Objects.requireNonNull(n);
        return this;
    }

    public NodeSettings node() {
        return node;
    }

    public ReplaySettings warmupMillis(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("negative warm-up " + ms);
        }
        this.warmupMillis = ms;
        return this;
    }

    public long warmupMillis() {
        return warmupMillis;
    }

    /** Replay only the events before the first event + {@code ms} (a prefix of the trace); default: all of it. */
    public ReplaySettings spanMillis(long ms) {
        if (ms <= 0) {
            throw new IllegalArgumentException("the trace span must be positive; got " + ms + " ms");
        }
        this.spanMillis = ms;
        return this;
    }

    public long spanMillis() {
        return spanMillis;
    }

    public ReplaySettings oracleHorizonMillis(long ms) {
        this.oracleHorizonMillis = ms;
        return this;
    }

    public long oracleHorizonMillis() {
        return oracleHorizonMillis;
    }

    public ReplaySettings addPolicy(PolicySpec p) {
        policies.add(p);
        return this;
    }

    /** The policies to compare; empty means {@link Policies#standard}. */
    public List<PolicySpec> policies() {
        return policies.isEmpty() ? Policies.standard(oracleHorizonMillis) : List.copyOf(policies);
    }

    public ReplaySettings sweep(boolean s) {
        this.sweep = s;
        return this;
    }

    public boolean sweep() {
        return sweep;
    }

    public ReplaySettings threads(int n) {
        this.threads = Math.max(1, n);
        return this;
    }

    public int threads() {
        return threads;
    }

    /** Where the report goes; null for none. */
    public ReplaySettings outDir(Path p) {
        this.outDir = p;
        return this;
    }

    public Path outDir() {
        return outDir;
    }

    /** Predictive policies: trace time between two prefetch decisions (rescore + top-k). */
    public ReplaySettings decisionIntervalMillis(long ms) {
        this.decisionIntervalMillis = ms;
        return this;
    }

    public long decisionIntervalMillis() {
        return decisionIntervalMillis;
    }

    /** Predictive policies: trace time between two calibration samples of every layer's score. */
    public ReplaySettings calibrationIntervalMillis(long ms) {
        this.calibrationIntervalMillis = ms;
        return this;
    }

    public long calibrationIntervalMillis() {
        return calibrationIntervalMillis;
    }

    public ReplaySettings charts(boolean c) {
        this.charts = c;
        return this;
    }

    public boolean charts() {
        return charts;
    }
}
