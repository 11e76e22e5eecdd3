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

    /** Where played invocations go: straight into the profiler, or through the whole pipeline. */
    interface Sink {
        /** Called once before the first event with the fleet's functions. */
        void functions(List<SyntheticWorkload.FunctionSpec> functions, LayerModel layers);

        /** One invocation, stamped with the live clock, and the data layers its parameters select. */
        void play(InvocationEvent live, List<LayerDescriptor> dataLayers);
    }

    /** The profile-only sink: the profiler learns the fleet's (modelled) stacks and sees every event. */
    static Sink profilerSink(BehavioralProfiler profiler) {
        return new Sink() {
            @Override
            public void functions(List<SyntheticWorkload.FunctionSpec> functions, LayerModel layers) {
                profiler.updateFunctionLayers(layers.functionLayerMap(functions.stream().map(SyntheticWorkload.FunctionSpec::id).toList()));
            }

            @Override
            public void play(InvocationEvent live, List<LayerDescriptor> data) {
                profiler.record(live);
                if (!data.isEmpty()) {
                    profiler.recordLayerAccess(live, data.stream().map(LayerDescriptor::id).toList());
                }
            }
        };
    }

    private final SyntheticWorkload.Config workload;
    private final double speedup;
    private final Sink sink;
    private final LongSupplier clock;
    private final Pacer pacer;
    private final long maxEvents;
    private volatile long played;

    DemoPlayer(SyntheticWorkload.Config workload, double speedup, BehavioralProfiler profiler, LongSupplier clock, Pacer pacer,
               long maxEvents) {
        this(workload, speedup, profilerSink(profiler), clock, pacer, maxEvents);
    }

    DemoPlayer(SyntheticWorkload.Config workload, double speedup, Sink sink, LongSupplier clock, Pacer pacer, long maxEvents) {
        if (!(speedup > 0)) {
            throw new IllegalArgumentException("speedup must be > 0, got " + speedup);
        }
        this.workload = workload;
        this.speedup = speedup;
        this.sink = sink;
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
        sink.functions(generator.functions(), layers);
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
                sink.play(live, layers.optionalLayers(e.functionId(), e.params()));
                played++;
            }
        }
    }

}
