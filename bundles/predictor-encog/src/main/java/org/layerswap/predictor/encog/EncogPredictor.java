package org.layerswap.predictor.encog;

import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.api.StateStore;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Encog network (feed-forward over lag features, or Elman over the minute sequence: {@link NetworkKind})
 * trained online in trace time, with the histogram-hazard estimate as fallback. Plain Java; the OSGi
 * service is {@code internal.EncogComponent}.
 *
 * <p><b>Path of an event.</b> {@link #observe} enqueues, into a bounded queue that drops its oldest item
 * when full, a mark (function, time) for every event and, every {@code sampleEvery} events, a feature
 * sample of a random known function at the event's time. The trainer drains the queue in order: marks
 * label samples ({@link SampleBuffer}) and feed the {@link TraceTimeTrigger}; when a mark's timestamp
 * reaches the next boundary ({@code trainIntervalMillis} of trace time) a round runs right there
 * ({@link NetworkTrainer}), on exactly the samples labelled by then. The network is published only while
 * its held-out Brier score beats the fallback's; otherwise (and until the first round) {@link #probability}
 * returns the histogram hazard, exactly as the histogram predictor would.
 *
 * <p><b>One code path, three drivers</b> ({@link EncogSettings.Training}): a daemon thread drains
 * (live: ingest never waits), observe() drains inline (replay: what is measured is what live would do on
 * the same schedule, and the same trace gives the same scores), or only {@link #trainNow()} does (tests).
 * No mode reads the wall clock.
 *
 * <p><b>Persistence.</b> With a {@link StateStore} ({@link #setStateStore}), every published network is
 * saved under {@value #STATE_KEY} by the trainer, and restored (served at once, training warm-started
 * from it) when the store is set while no network is in use.
 */
public class EncogPredictor implements Predictor, AutoCloseable {

    public static final String NAME = "encog";
    /** StateStore key of the published network. */
    public static final String STATE_KEY = "predictor.encog.network";
    private static final Logger LOG = LoggerFactory.getLogger(EncogPredictor.class);

    /** The service's typed configuration (PID org.layerswap.predictor.encog), read by internal.EncogComponent. */
    @ObjectClassDefinition(name = "LayerSwap Encog predictor",
            description = "Neural predictor trained in the background on the trace-time schedule")
    public @interface Config {
        @AttributeDefinition(description = "Bounded queue between the ingest path and the trainer")
        int queueCapacity() default 65_536;

        @AttributeDefinition(description = "One training sample every this many events")
        int sampleEvery() default 4;

        @AttributeDefinition(description = "Hidden neurons")
        int hiddenNeurons() default 8;

        @AttributeDefinition(min = "1", description = "A training round every this many minutes of event time (the same schedule a replay uses)")
        int trainIntervalMinutes() default 60;

        @AttributeDefinition(description = "Network shape: FEED_FORWARD over lag features, or ELMAN (recurrent) over the per-minute sequence",
                options = {@Option(label = "Feed-forward", value = "FEED_FORWARD"), @Option(label = "Elman", value = "ELMAN")})
        String networkType() default "FEED_FORWARD";

        @AttributeDefinition(min = "1", description = "At most this many distinct function ids are kept to draw training samples from; "
                + "the least recently seen are forgotten first, so a flood of new ids cannot grow the heap")
        int maxTrackedFunctions() default 100_000;
    }

    /** What the trainer has achieved so far; {@code idle}: every enqueued item has been handled (or dropped). */
    public record Status(boolean networkActive, long labelledSamples, long trainings, double validationBrier,
                         double fallbackBrier, long dropped, long queued, long trainedWindowMillis,
                         NetworkKind network, NetworkKind activeNetwork, boolean idle) {
    }

    private record Mark(String function, long time) {
    }

    private record Sample(String function, long time, long window, double[] x) {
    }

    private volatile EncogSettings settings;
    private volatile ArrayBlockingQueue<Object> queue;
    private volatile PublishedModel model;
    private volatile StateStore stateStore;
    private Thread worker;
    private volatile boolean running;

    // observe-side state (guarded by observeLock)
    private final Object observeLock = new Object();
    private final KnownFunctions known;
    private Random sampling;
    private long observed;

    // trainer-side state (guarded by trainLock)
    private final Object trainLock = new Object();
    private SampleBuffer buffer;
    private TraceTimeTrigger trigger;
    private final NetworkTrainer trainer = new NetworkTrainer();
    private long labelledAtLastRound;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong trainings = new AtomicLong();
    private volatile long labelled;
    // idle (nothing queued or being handled) iff enqueued == handled + dropped
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong handled = new AtomicLong();
    private volatile long bufferWindow = -1;
    private volatile double validationBrier = Double.NaN;
    private volatile double fallbackBrier = Double.NaN;

    /** The replay's form: defaults trained inline in trace time ({@link EncogSettings#replay()}). */
    public EncogPredictor() {
        this(EncogSettings.replay());
    }

    /** Starts the background trainer when {@code settings.training()} is BACKGROUND; {@link #close()} stops it. */
    public EncogPredictor(EncogSettings settings) {
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.sampling = new Random(settings.seed());
        this.known = new KnownFunctions(settings.maxTrackedFunctions());
        this.buffer = new SampleBuffer(settings.maxSamples());
        this.trigger = new TraceTimeTrigger(settings.trainIntervalMillis());
        startIfBackground();
    }

    /**
     * Applies new settings while serving: the published network keeps answering until a round publishes
     * one of the new kind; labelled samples, the queue and the schedule are kept unless their size or
     * interval changed.
     */
    public void reconfigure(EncogSettings next) {
        stop();
        synchronized (trainLock) {
            EncogSettings old = settings;
            if (next.queueCapacity() != old.queueCapacity()) {
                ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(next.queueCapacity());
                queue.drainTo(q, next.queueCapacity());
                dropped.addAndGet(queue.size()); // did not fit the smaller queue
                queue = q;
            }
            if (next.maxSamples() != old.maxSamples()) {
                buffer = new SampleBuffer(next.maxSamples());
            }
            if (next.trainIntervalMillis() != old.trainIntervalMillis()) {
                trigger = new TraceTimeTrigger(next.trainIntervalMillis());
            }
            settings = next;
        }
        synchronized (observeLock) {
            known.resize(next.maxTrackedFunctions());
        }
        startIfBackground();
    }

    public EncogSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void startIfBackground() {
        if (running || settings.training() != EncogSettings.Training.BACKGROUND) {
            return;
        }
        running = true;
        Thread t = new Thread(this::runTrainer, "layerswap-encog-trainer");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        worker = t;
        t.start();
    }

    private synchronized void stop() {
        running = false;
        Thread t = worker;
        worker = null;
        if (t != null) {
            t.interrupt();
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    // ------------------------------------------------------------------ scoring path

    @Override
    public double probability(ProfileView view, String functionId, long nowMillis, long windowMillis) {
        FunctionProfile p = view.profile(functionId);
        if (p == null) {
            return 0.0;
        }
        if (windowMillis != trainedWindow) {
            trainedWindow = windowMillis; // samples are labelled for the window the profiler asks about
        }
        PublishedModel m = model;
        boolean useNet = m != null && m.windowMillis() == windowMillis;
        double[] x = new double[useNet ? m.sampleLength() : Features.COUNT];
        Features.compute(view, p, nowMillis, windowMillis, x);
        return useNet ? m.predict(x) : x[Features.HAZARD];
    }

    /** The estimate used while the network is absent or not better: the histogram hazard. */
    public double fallbackProbability(ProfileView view, String functionId, long nowMillis, long windowMillis) {
        FunctionProfile p = view.profile(functionId);
        if (p == null) {
            return 0.0;
        }
        double[] x = new double[Features.COUNT];
        Features.compute(view, p, nowMillis, windowMillis, x);
        return x[Features.HAZARD];
    }

    // ------------------------------------------------------------------ ingest path

    @Override
    public void observe(InvocationEvent event, ProfileView view) {
        ArrayBlockingQueue<Object> q = queue;
        offer(q, new Mark(event.functionId(), event.timestampMillis()));
        String sampleFn = null;
        synchronized (observeLock) {
            known.seen(event.functionId());
            if (++observed % settings.sampleEvery() == 0) {
                sampleFn = known.random(sampling);
            }
        }
        if (sampleFn != null) {
            FunctionProfile p = view.profile(sampleFn);
            if (p != null) {
                // observe() is not told the profiler's window: samples use the window of the latest
                // probability() call (see trainedWindow)
                long w = trainedWindow;
                double[] x = new double[Features.SAMPLE];
                Features.compute(view, p, event.timestampMillis(), w, x);
                offer(q, new Sample(sampleFn, event.timestampMillis(), w, x));
            }
        }
        if (settings.training() == EncogSettings.Training.INLINE) {
            drain();
        }
    }

    /** The prediction window the training labels use; follows the profiler's window (default 5 min). */
    private volatile long trainedWindow = 300_000L;

    /** Sets the window the network is trained for (the profiler's window); resets training when it changes. */
    public void setWindowMillis(long windowMillis) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("windowMillis must be > 0, got " + windowMillis);
        }
        trainedWindow = windowMillis;
    }

    private void offer(ArrayBlockingQueue<Object> q, Object item) {
        while (!q.offer(item)) {
            if (q.poll() != null) {
                dropped.incrementAndGet();
            }
        }
        enqueued.incrementAndGet();
    }

    // ------------------------------------------------------------------ trainer (every mode)

    private void runTrainer() {
        while (running) {
            try {
                Object first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    synchronized (trainLock) {
                        handle(first);
                    }
                    drain();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Encog trainer round failed; keeping the previous model", e);
            }
        }
    }

    /** Manual mode (and tests): processes everything queued, running the rounds that fall due on the way. */
    public void trainNow() {
        drain();
    }

    private void drain() {
        synchronized (trainLock) {
            Object item;
            while ((item = queue.poll()) != null) {
                handle(item);
            }
            labelled = buffer.labelled();
            bufferWindow = buffer.window();
        }
    }

    private void handle(Object item) {
        try {
            if (item instanceof Mark m) {
                buffer.mark(m.function(), m.time());
                if (trigger.due(m.time())) {
                    trainRound(m.time());
                }
            } else if (item instanceof Sample s) {
                buffer.add(s.function(), s.time(), s.window(), s.x());
            }
        } finally {
            handled.incrementAndGet();
        }
    }

    private void trainRound(long traceMillis) {
        EncogSettings s = settings;
        if (buffer.size() < s.minSamples() || buffer.labelled() - labelledAtLastRound < s.minNewSamples()) {
            return;
        }
        labelledAtLastRound = buffer.labelled();
        NetworkTrainer.Outcome o = trainer.round(buffer.labelledSamples(), s, traceMillis);
        validationBrier = o.validationBrier();
        fallbackBrier = o.fallbackBrier();
        trainings.incrementAndGet();
        PublishedModel previous = model;
        model = o.published();
        if ((previous == null) != (o.published() == null)) {
            LOG.info("Encog {} network {} (held-out Brier {} vs fallback {} on {} samples, trace time {})", s.network(),
                    o.published() != null ? "now in use" : "not better than the fallback: using the histogram estimate",
                    String.format("%.4f", o.validationBrier()), String.format("%.4f", o.fallbackBrier()),
                    o.validationSamples(), traceMillis);
        }
        if (o.published() != null) {
            save(o.published());
        }
    }

    // ------------------------------------------------------------------ persistence

    /** Sets (or, with null, clears) the store; restores its network when none is in use yet. */
    public void setStateStore(StateStore store) {
        stateStore = store;
        if (store != null && model == null) {
            restore(store);
        }
    }

    private void save(PublishedModel m) {
        StateStore store = stateStore;
        if (store == null) {
            return;
        }
        try {
            store.saveState(STATE_KEY, ModelCodec.encode(m));
        } catch (RuntimeException e) {
            LOG.warn("Cannot save the Encog network under {}: {}", STATE_KEY, e.toString());
        }
    }

    private void restore(StateStore store) {
        Optional<byte[]> bytes;
        try {
            bytes = store.loadState(STATE_KEY);
        } catch (RuntimeException e) {
            LOG.warn("Cannot load the Encog network from {}: {}", STATE_KEY, e.toString());
            return;
        }
        if (bytes.isEmpty()) {
            return;
        }
        try {
            PublishedModel m = ModelCodec.decode(bytes.get());
            synchronized (trainLock) {
                if (model == null) {
                    trainer.warmStart(m, settings);
                    validationBrier = m.validationBrier();
                    fallbackBrier = m.fallbackBrier();
                    model = m;
                    LOG.info("Encog {} network restored from {} (held-out Brier {} vs fallback {})", m.kind(), STATE_KEY,
                            String.format("%.4f", m.validationBrier()), String.format("%.4f", m.fallbackBrier()));
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring the stored Encog network ({}); training from scratch", e.getMessage());
        }
    }

    /** Distinct function ids currently kept for sampling (at most {@code maxTrackedFunctions}). */
    int trackedFunctions() {
        synchronized (observeLock) {
            return known.size();
        }
    }

    public Status status() {
        PublishedModel m = model;
        return new Status(m != null, labelled, trainings.get(), validationBrier, fallbackBrier, dropped.get(),
                queue.size(), bufferWindow, settings.network(), m == null ? null : m.kind(),
                enqueued.get() - dropped.get() - handled.get() == 0);
    }
}
