package org.layerswap.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerswap.api.FunctionLayerMap;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.workload.InvocationStream;
import org.layerswap.workload.LayerResolver;
import org.layerswap.workload.ReadReport;

/**
 * A trace expanded once into primitive arrays for fast replay: per event its time, function, layer
 * stack (interned: function + optional data layers), parameters and tenant (interned). Layers and
 * functions are dense int indexes. Immutable after {@link #build}, shared by concurrent replays.
 */
public final class EventTable {

    /** Frequency classes by a function's mean invocation rate over the trace. */
    public static final String[] CLASS_NAMES = {">=1/min", "1/min..1/h", "<1/h"};

    final String[] functions;
    final LayerDescriptor[] layers;
    final long[] layerSize;
    final int[][] stacks;
    final int[] stackFunction;
    final int[] stackBaseLength;
    final long[] time;
    final int[] stackOf;
    final int[] paramsOf;
    final int[] tenantOf;
    final List<Map<String, String>> paramsTable;
    final List<String> tenants;
    final int[] invocationsOfFunction;
    final byte[] classOfFunction;
    final int[] lastStackOfFunction;
    final ReadReport readReport;
    private final long start;
    private final long end;
    private final Map<LayerId, Integer> layerIndex;
    private volatile int[] nextUseOffsets;
    private volatile int[] nextUse;

    private EventTable(Builder b, ReadReport report) {
        this.functions = b.functions.toArray(String[]::new);
        this.layers = b.layers.toArray(LayerDescriptor[]::new);
        this.layerSize = new long[layers.length];
        for (int i = 0; i < layers.length; i++) {
            layerSize[i] = layers[i].sizeBytes();
        }
        this.stacks = b.stacks.toArray(int[][]::new);
        this.stackFunction = b.stackFunction.stream().mapToInt(Integer::intValue).toArray();
        this.stackBaseLength = b.stackBase.stream().mapToInt(Integer::intValue).toArray();
        this.time = Arrays.copyOf(b.time, b.n);
        this.stackOf = Arrays.copyOf(b.stackOf, b.n);
        this.paramsOf = Arrays.copyOf(b.paramsOf, b.n);
        this.tenantOf = Arrays.copyOf(b.tenantOf, b.n);
        this.paramsTable = List.copyOf(b.paramsList);
        this.tenants = List.copyOf(b.tenantList);
        this.layerIndex = Map.copyOf(b.layerIndex);
        this.readReport = report;
        this.start = time.length == 0 ? 0 : time[0];
        this.end = time.length == 0 ? 0 : time[time.length - 1];
        invocationsOfFunction = new int[functions.length];
        lastStackOfFunction = new int[functions.length];
        Arrays.fill(lastStackOfFunction, -1);
        for (int e = 0; e < time.length; e++) {
            invocationsOfFunction[stackFunction[stackOf[e]]]++;
        }
        classOfFunction = new byte[functions.length];
        double spanMin = Math.max(1.0, (endMillis() - startMillis()) / 60_000.0);
        for (int f = 0; f < functions.length; f++) {
            double perMin = invocationsOfFunction[f] / spanMin;
            classOfFunction[f] = (byte) (perMin >= 1.0 ? 0 : perMin * 60 >= 1.0 ? 1 : 2);
        }
        // the first stack of each function: its base image (data layers excluded)
        for (int s = 0; s < stacks.length; s++) {
            if (lastStackOfFunction[stackFunction[s]] < 0) {
                lastStackOfFunction[stackFunction[s]] = s;
            }
        }
    }

    /** A subset of {@code parent}'s events (see {@link #subset}). */
    private EventTable(EventTable parent, int[] events) {
        this.functions = parent.functions;
        this.layers = parent.layers;
        this.layerSize = parent.layerSize;
        this.stacks = parent.stacks;
        this.stackFunction = parent.stackFunction;
        this.stackBaseLength = parent.stackBaseLength;
        this.paramsTable = parent.paramsTable;
        this.tenants = parent.tenants;
        this.layerIndex = parent.layerIndex;
        this.readReport = parent.readReport;
        this.start = parent.start;
        this.end = parent.end;
        this.classOfFunction = parent.classOfFunction;
        this.lastStackOfFunction = parent.lastStackOfFunction;
        int n = events.length;
        time = new long[n];
        stackOf = new int[n];
        paramsOf = new int[n];
        tenantOf = new int[n];
        invocationsOfFunction = new int[functions.length];
        int prev = -1;
        for (int i = 0; i < n; i++) {
            int e = events[i];
            if (e <= prev || e >= parent.time.length) {
                throw new IllegalArgumentException("subset events must be increasing indexes below "
                        + parent.time.length + "; got " + e + " after " + prev);
            }
            prev = e;
            time[i] = parent.time[e];
            stackOf[i] = parent.stackOf[e];
            paramsOf[i] = parent.paramsOf[e];
            tenantOf[i] = parent.tenantOf[e];
            invocationsOfFunction[stackFunction[stackOf[i]]]++;
        }
    }

    /**
     * The events {@code events} (increasing indexes) of this table, e.g. the invocations placed on one node
     * of a cluster. Invariants: the same functions, layers and stacks (same indexes), the same start and end
     * time as this table (so warm-up and storage accounting span the whole trace), and the whole trace's
     * frequency classes (so per-node metrics add up to the cluster's); {@link #invocations} counts the subset.
     */
    public EventTable subset(int[] events) {
        return new EventTable(this, events);
    }

    /** Reads the whole stream (closing it) and expands it against the resolver. */
    public static EventTable build(InvocationStream stream, LayerResolver resolver, ProgressListener progress) {
        return build(stream, resolver, progress, Long.MAX_VALUE);
    }

    /**
     * Like {@link #build(InvocationStream, LayerResolver, ProgressListener)}, keeping only the events before
     * {@code first event + spanMillis} (a prefix of the trace, e.g. to tune on its first 12 h and hold out the rest).
     */
    public static EventTable build(InvocationStream stream, LayerResolver resolver, ProgressListener progress,
                                   long spanMillis) {
        if (spanMillis <= 0) {
            throw new IllegalArgumentException("the trace span must be positive; got " + spanMillis + " ms");
        }
        Builder b = new Builder(resolver);
        long count = 0;
        long end = Long.MAX_VALUE;
        try (stream) {
            while (stream.hasNext()) {
                InvocationEvent e = stream.next();
                if (end == Long.MAX_VALUE && spanMillis != Long.MAX_VALUE) {
                    end = e.timestampMillis() + spanMillis;
                }
                if (e.timestampMillis() >= end) {
                    break;
                }
                b.add(e);
                if ((++count & 0xFFFF) == 0) {
                    double p = stream.progress();
                    progress.progress("load", Double.isNaN(p) ? 0 : p);
                }
            }
        }
        progress.progress("load", 1.0);
        return new EventTable(b, stream.report());
    }

    public static EventTable of(List<InvocationEvent> events, LayerResolver resolver) {
        Builder b = new Builder(resolver);
        events.forEach(b::add);
        ReadReport r = new ReadReport("in-memory");
        return new EventTable(b, r);
    }

    private static final class Builder {
        final LayerResolver resolver;
        final List<String> functions = new ArrayList<>();
        final Map<String, Integer> functionIndex = new HashMap<>();
        final List<LayerDescriptor> layers = new ArrayList<>();
        final Map<LayerId, Integer> layerIndex = new HashMap<>();
        final List<int[]> stacks = new ArrayList<>();
        final List<Integer> stackFunction = new ArrayList<>();
        final List<Integer> stackBase = new ArrayList<>();
        final Map<Long, Integer> stackIndex = new HashMap<>();
        final List<Map<String, String>> paramsList = new ArrayList<>();
        final Map<Map<String, String>, Integer> paramsIndex = new HashMap<>();
        final List<String> tenantList = new ArrayList<>();
        final Map<String, Integer> tenantIndex = new HashMap<>();
        long[] time = new long[1 << 16];
        int[] stackOf = new int[1 << 16];
        int[] paramsOf = new int[1 << 16];
        int[] tenantOf = new int[1 << 16];
        int n;
        long lastTime = Long.MIN_VALUE;

        Builder(LayerResolver resolver) {
            this.resolver = resolver;
            paramsList.add(Map.of());
            paramsIndex.put(Map.of(), 0);
            tenantList.add("");
            tenantIndex.put("", 0);
        }

        void add(InvocationEvent ev) {
            if (ev.timestampMillis() < lastTime) {
                throw new IllegalArgumentException("events out of timestamp order: " + ev.functionId() + " at "
                        + ev.timestampMillis() + " after " + lastTime);
            }
            lastTime = ev.timestampMillis();
            Integer fi = functionIndex.get(ev.functionId());
            if (fi == null) {
                fi = functions.size();
                functions.add(ev.functionId());
                functionIndex.put(ev.functionId(), fi);
            }
            Integer pi = paramsIndex.get(ev.params());
            if (pi == null) {
                pi = paramsList.size();
                paramsList.add(ev.params());
                paramsIndex.put(ev.params(), pi);
            }
            Integer ti = tenantIndex.get(ev.tenant());
            if (ti == null) {
                ti = tenantList.size();
                tenantList.add(ev.tenant());
                tenantIndex.put(ev.tenant(), ti);
            }
            long key = ((long) fi << 32) | pi;
            Integer si = stackIndex.get(key);
            if (si == null) {
                List<LayerDescriptor> base = resolver.baseLayers(ev.functionId());
                List<LayerDescriptor> all = resolver.layersFor(ev);
                int[] s = new int[all.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = layer(all.get(i));
                }
                si = stacks.size();
                stacks.add(s);
                stackFunction.add(fi);
                stackBase.add(base.size());
                stackIndex.put(key, si);
            }
            if (n == time.length) {
                int cap = n * 2;
                time = Arrays.copyOf(time, cap);
                stackOf = Arrays.copyOf(stackOf, cap);
                paramsOf = Arrays.copyOf(paramsOf, cap);
                tenantOf = Arrays.copyOf(tenantOf, cap);
            }
            time[n] = ev.timestampMillis();
            stackOf[n] = si;
            paramsOf[n] = pi;
            tenantOf[n] = ti;
            n++;
        }

        int layer(LayerDescriptor d) {
            Integer li = layerIndex.get(d.id());
            if (li == null) {
                li = layers.size();
                layers.add(d);
                layerIndex.put(d.id(), li);
            }
            return li;
        }
    }

    public int size() {
        return time.length;
    }

    public int functionCount() {
        return functions.length;
    }

    public int layerCount() {
        return layers.length;
    }

    public long startMillis() {
        return start;
    }

    public long endMillis() {
        return end;
    }

    public long time(int e) {
        return time[e];
    }

    public int function(int e) {
        return stackFunction[stackOf[e]];
    }

    public int[] stack(int e) {
        return stacks[stackOf[e]];
    }

    public int stackIndex(int e) {
        return stackOf[e];
    }

    public int[] stackLayers(int stack) {
        return stacks[stack];
    }

    /** Number of image (non-optional) layers at the bottom of the stack. */
    public int stackBaseLength(int stack) {
        return stackBaseLength[stack];
    }

    /** The function's image stack (without optional layers). */
    public int[] baseStackOfFunction(int f) {
        int[] s = stacks[lastStackOfFunction[f]];
        return Arrays.copyOf(s, stackBaseLength[lastStackOfFunction[f]]);
    }

    public String functionId(int f) {
        return functions[f];
    }

    public LayerDescriptor layer(int l) {
        return layers[l];
    }

    public long layerSize(int l) {
        return layerSize[l];
    }

    public int layerIndex(LayerId id) {
        Integer i = layerIndex.get(id);
        return i == null ? -1 : i;
    }

    public int invocations(int f) {
        return invocationsOfFunction[f];
    }

    /** 0: at least once a minute, 1: between once a minute and once an hour, 2: less than once an hour. */
    public int frequencyClass(int f) {
        return classOfFunction[f];
    }

    public Map<String, String> params(int e) {
        return paramsTable.get(paramsOf[e]);
    }

    public String tenant(int e) {
        return tenants.get(tenantOf[e]);
    }

    /** The invocation as the live system would see it. */
    public InvocationEvent event(int e) {
        return new InvocationEvent(functions[function(e)], time[e], params(e), tenant(e));
    }

    public ReadReport readReport() {
        return readReport;
    }

    public long totalLayerBytes() {
        long s = 0;
        for (long b : layerSize) {
            s += b;
        }
        return s;
    }

    /** The function-to-layers map (image stacks) of every function in the trace. */
    public FunctionLayerMap functionLayerMap() {
        Map<String, List<LayerId>> m = new LinkedHashMap<>();
        for (int f = 0; f < functions.length; f++) {
            int[] s = baseStackOfFunction(f);
            List<LayerId> ids = new ArrayList<>(s.length);
            for (int l : s) {
                ids.add(layers[l].id());
            }
            m.put(functions[f], ids);
        }
        return FunctionLayerMap.of(m);
    }

    /**
     * Future knowledge, for oracles only. Flat offsets into {@link #nextUse()}: entry
     * {@code nextUseOffsets()[e] + k} is for layer k of event e's stack.
     */
    public int[] nextUseOffsets() {
        ensureNextUse();
        return nextUseOffsets;
    }

    /** Future knowledge, for oracles only: for each (event, stack position) the next event using the same layer, or -1. */
    public int[] nextUse() {
        ensureNextUse();
        return nextUse;
    }

    private synchronized void ensureNextUse() {
        if (nextUse != null) {
            return;
        }
        int n = time.length;
        int[] off = new int[n + 1];
        for (int e = 0; e < n; e++) {
            off[e + 1] = off[e] + stacks[stackOf[e]].length;
        }
        int[] nu = new int[off[n]];
        int[] last = new int[layers.length];
        Arrays.fill(last, -1);
        for (int e = n - 1; e >= 0; e--) {
            int[] s = stacks[stackOf[e]];
            for (int k = 0; k < s.length; k++) {
                nu[off[e] + k] = last[s[k]];
                last[s[k]] = e;
            }
        }
        nextUseOffsets = off;
        nextUse = nu;
    }
}
