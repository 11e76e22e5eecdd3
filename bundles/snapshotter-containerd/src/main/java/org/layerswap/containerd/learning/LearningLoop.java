package org.layerswap.containerd.learning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.NextUse;
import org.layerswap.containerd.proto.events.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learning from containerd: each envelope of its event stream is counted, decoded and used.
 * <ul>
 * <li>{@code /tasks/start}: the started container's function (see {@link InvocationMapper}) is recorded by the
 * profiler as an invocation (tenant: the namespace, time: containerd's stamp), and its image is made known
 * ({@link ImageBook});</li>
 * <li>{@code /containers/create}: the container is looked up while it exists (its labels name the function);</li>
 * <li>{@code /images/create}, {@code /images/update}: the image is made known (mapped when a layer source resolves it);</li>
 * <li>{@code /tasks/exit}: seen only.</li>
 * </ul>
 * {@link #evaluate} (on a timer) asks the profiler when each function containerd ran is next used; one predicted within
 * {@code horizonMillis} (not overdue) has its image made ready ({@link PredictedSnapshots#ensure}) in the namespace it
 * last ran in. Events arrive on the stream's thread, one at a time.
 *
 * <p>Image resolution (through the layer sources, which may retry an unreachable registry for tens of seconds) runs on
 * {@code resolver}, never on the stream's thread: a start is recorded by the profiler when its event arrives whatever
 * the sources do. An image event (or a start's image) whose resolution is already queued or running is not queued
 * again; an image event skipped so is counted dropped, its resolution under way counts for it.
 */
public final class LearningLoop implements Consumer<Envelope> {

    private static final Logger LOG = LoggerFactory.getLogger(LearningLoop.class);

    private final InvocationMapper mapper;
    private final ImageBook images;
    private final BehavioralProfiler profiler;
    private final PredictedSnapshots predicted;
    private final EventCounters counters;
    private final long horizonMillis;
    private final LongSupplier clock;
    private final Map<String, String> namespaceOf = new ConcurrentHashMap<>();
    private final Executor resolver;
    /** Keys of the resolutions queued or running on {@link #resolver}. */
    private final Set<String> resolving = ConcurrentHashMap.newKeySet();

    public LearningLoop(InvocationMapper mapper, ImageBook images, BehavioralProfiler profiler, PredictedSnapshots predicted,
                        EventCounters counters, long horizonMillis, LongSupplier clock, Executor resolver) {
        this.resolver = resolver;
        this.mapper = mapper;
        this.images = images;
        this.profiler = profiler;
        this.predicted = predicted;
        this.counters = counters;
        this.horizonMillis = horizonMillis;
        this.clock = clock;
    }

    @Override
    public void accept(Envelope envelope) {
        counters.seen();
        Optional<ContainerdEvent> decoded = EventDecoder.decode(envelope);
        if (decoded.isEmpty()) {
            counters.dropped();
            return;
        }
        ContainerdEvent e = decoded.get();
        switch (e.topic()) {
            case ContainerdEvent.TASK_START -> started(e);
            case ContainerdEvent.CONTAINER_CREATE -> mapper.containerCreated(e);
            case ContainerdEvent.IMAGE_CREATE, ContainerdEvent.IMAGE_UPDATE -> {
                boolean queued = offThread("image " + e.image(), () -> {
                    if (images.learn(e.image()).isPresent()) {
                        counters.mapped();
                    } else {
                        counters.dropped();
                    }
                });
                if (!queued) {
                    counters.dropped();
                }
            }
            default -> {
                // task exits: seen only
            }
        }
    }

    private void started(ContainerdEvent e) {
        Optional<InvocationMapper.Invocation> inv = mapper.taskStarted(e);
        if (inv.isEmpty()) {
            counters.dropped();
            return;
        }
        InvocationMapper.Invocation i = inv.get();
        profiler.record(new InvocationEvent(i.functionId(), Math.max(0, i.timestampMillis()), Map.of(), i.tenant()));
        namespaceOf.put(i.functionId(), i.tenant());
        offThread("ran " + i.functionId() + " " + i.image(), () -> images.ran(i.functionId(), i.image()));
        counters.mapped();
    }

    /** Runs {@code work} on the resolver unless work of the same key is queued or running; true when queued now. */
    private boolean offThread(String key, Runnable work) {
        if (!resolving.add(key)) {
            return false;
        }
        try {
            resolver.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException ex) {
                    LOG.warn("containerd learning: {} failed: {}", key, ex.toString());
                } finally {
                    resolving.remove(key);
                }
            });
            return true;
        } catch (RejectedExecutionException ex) { // closing
            resolving.remove(key);
            return false;
        }
    }

    /** Makes ready the images of the functions predicted to start within the horizon; one future per image started. */
    public List<CompletableFuture<Boolean>> evaluate() {
        long now = clock.getAsLong();
        List<CompletableFuture<Boolean>> started = new ArrayList<>();
        for (String fn : images.functions().keySet()) {
            NextUse next = profiler.nextUse(fn, now);
            if (next == null || next.overdue() || next.earliestMillis() - now > horizonMillis) {
                continue;
            }
            String namespace = namespaceOf.get(fn);
            Optional<KnownImage> image = images.imageOf(fn);
            if (namespace != null && image.isPresent()) {
                started.add(predicted.ensure(namespace, image.get()));
            }
        }
        return started;
    }

    public EventCounters.Counts counts() {
        return counters.counts();
    }
}
