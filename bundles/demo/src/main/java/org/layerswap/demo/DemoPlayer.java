package org.layerswap.demo;

import java.util.List;
import java.util.function.LongSupplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.workload.InvocationStream;
import org.layerswap.workload.LayerModel;
import org.layerswap.workload.SyntheticWorkload;

/**
 * Plays a synthetic workload into a profiler with trace time compressed by {@code speedup}:
 * an event {@code t} after the trace start is recorded {@code t / speedup} after play started,
 * stamped with the clock at that moment. Parameter-selected data layers are reported as used, as
 * a real function's data access would be. Loops over the trace until stopped.
 */
final class DemoPlayer implements Runnable {

    /** Sleeps until a clock time; tests pass one that does not sleep. */
    interface Pacer {
        void awaitMillis(long targetMillis) throws InterruptedException;
    }

    private final SyntheticWorkload.Config workload;
    private final double speedup;
    private final BehavioralProfiler profiler;
    private final LongSupplier clock;
    private final Pacer pacer;
    private final long maxEvents;
    private volatile long played;

    DemoPlayer(SyntheticWorkload.Config workload, double speedup, BehavioralProfiler profiler, LongSupplier clock, Pacer pacer,
               long maxEvents) {
        if (!(speedup > 0)) {
            throw new IllegalArgumentException("speedup must be > 0, got " + speedup);
        }
        this.workload = workload;
        this.speedup = speedup;
        this.profiler = profiler;
        this.clock = clock;
        this.pacer = pacer;
        this.maxEvents = maxEvents;
    }

    long played() {
        return played;
    }

    @Override
    public void run() {
        SyntheticWorkload generator = new SyntheticWorkload(workload);
        LayerModel layers = new LayerModel(workload.seed());
        List<String> ids = generator.functions().stream().map(SyntheticWorkload.FunctionSpec::id).toList();
        profiler.updateFunctionLayers(layers.functionLayerMap(ids));
        try {
            while (!Thread.currentThread().isInterrupted() && played < maxEvents) {
                playOnce(generator, layers);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void playOnce(SyntheticWorkload generator, LayerModel layers) throws InterruptedException {
        long start = clock.getAsLong();
        long traceStart = -1;
        try (InvocationStream events = generator.stream()) {
            while (events.hasNext() && played < maxEvents) {
                InvocationEvent e = events.next();
                if (traceStart < 0) {
                    traceStart = e.timestampMillis();
                }
                pacer.awaitMillis(start + (long) ((e.timestampMillis() - traceStart) / speedup));
                InvocationEvent live = new InvocationEvent(e.functionId(), clock.getAsLong(), e.params(), e.tenant());
                profiler.record(live);
                List<LayerDescriptor> data = layers.optionalLayers(e.functionId(), e.params());
                if (!data.isEmpty()) {
                    profiler.recordLayerAccess(live, data.stream().map(LayerDescriptor::id).toList());
                }
                played++;
            }
        }
    }

}
