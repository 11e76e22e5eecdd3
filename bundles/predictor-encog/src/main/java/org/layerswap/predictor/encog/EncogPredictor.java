package org.layerswap.predictor.encog;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.encog.engine.network.activation.ActivationSigmoid;
import org.encog.ml.data.basic.BasicMLDataSet;
import org.encog.neural.networks.BasicNetwork;
import org.encog.neural.networks.layers.BasicLayer;
import org.encog.neural.networks.training.propagation.resilient.RPROPType;
import org.encog.neural.networks.training.propagation.resilient.ResilientPropagation;
import org.layerswap.api.FunctionProfile;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A feed-forward Encog network over per-function lag features (see {@link Features}), trained online in
 * the background, with the histogram-hazard estimate as fallback.
 *
 * <p><b>Path of an event.</b> {@link #observe} runs on the profiler's ingest path and only enqueues, into a
 * bounded queue that drops its oldest item when full: a mark (function, time) for every event and, every
 * {@code sampleEvery} events, a feature vector of a random known function at the event's time. The
 * trainer (a daemon thread, or {@link #trainNow()} in manual mode) labels each sample once its window
 * has passed ("did the function run in (t, t+window]?", from the marks), keeps the newest samples, and
 * every {@code trainEvery} new labels runs RPROP epochs warm-started from the previous weights. The
 * newest fifth of the samples is held out: the network is published only while its held-out Brier score beats the
 * fallback's on the same samples; otherwise (and until the first training) {@link #probability} returns
 * the histogram-hazard estimate, exactly as the histogram predictor would.
 *
 * <p><b>Why feed-forward over lags rather than Elman/Jordan.</b> A recurrent network carries hidden state
 * per sequence: one state per function, advanced on every event, would make {@code probability()}
 * depend on state outside the ProfileView (lost on a predictor swap or restart, and not a pure function
 * of the profile), and would need sequential truncated-BPTT-style training per function. The profiler
 * already summarises history (idle-time histogram, per-minute counts, hour-of-day, co-occurrence): lag
 * features of those make the temporal context explicit, so one small shared network (11-8-1, ~100
 * weights) learns across all functions, trains in shuffled mini-batches in the background, and costs a
 * few hundred floating-point operations per call. See docs/predictors.md.
 */
@Component(service = Predictor.class, configurationPid = "org.layerswap.predictor.encog",
        property = {Predictor.NAME_PROPERTY + "=" + EncogPredictor.NAME, "service.ranking:Integer=50"})
@Designate(ocd = EncogPredictor.Config.class)
public class EncogPredictor implements Predictor, AutoCloseable {

    public static final String NAME = "encog";
    private static final Logger LOG = LoggerFactory.getLogger(EncogPredictor.class);

    @ObjectClassDefinition(name = "LayerSwap Encog predictor", description = "Neural predictor trained in the background")
    public @interface Config {
        @AttributeDefinition(description = "Bounded queue between the ingest path and the trainer")
        int queueCapacity() default 65_536;

        @AttributeDefinition(description = "One training sample every this many events")
        int sampleEvery() default 4;

        @AttributeDefinition(description = "Hidden neurons")
        int hiddenNeurons() default 8;
    }

    /** What the trainer has achieved so far. */
    public record Status(boolean networkActive, long labelledSamples, long trainings, double validationBrier,
                         double fallbackBrier, long dropped, long queued, long trainedWindowMillis) {
    }

    private record Mark(String function, long time) {
    }

    private record Sample(String function, long time, long window, double[] x) {
    }

    private static final class Pending {
        final Sample sample;
        boolean positive;

        Pending(Sample sample) {
            this.sample = sample;
        }
    }

    /** A published network: immutable once published; compute() is serialised per model. */
    private record Model(BasicNetwork network, long windowMillis) {
        double predict(double[] x) {
            double[] out = new double[1];
            synchronized (this) {
                network.compute(x, out);
            }
            return out[0];
        }
    }

    private volatile EncogSettings settings = EncogSettings.defaults();
    private volatile ArrayBlockingQueue<Object> queue;
    private volatile Model model;
    private volatile Thread worker;
    private volatile boolean running;

    // observe-side state (guarded by observeLock)
    private final Object observeLock = new Object();
    private final List<String> known = new ArrayList<>();
    private final Set<String> knownSet = new HashSet<>();
    private Random sampling;
    private long observed;

    // trainer-side state (guarded by trainLock)
    private final Object trainLock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Map<String, ArrayDeque<Pending>> pendingByFunction = new HashMap<>();
    private long latest = Long.MIN_VALUE;
    private double[][] xs;
    private double[] ys;
    private int size;
    private int head;
    private long labelled;
    private long sinceTraining;
    private BasicNetwork candidate;
    private long candidateWindow = -1;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong trainings = new AtomicLong();
    private volatile double validationBrier = Double.NaN;
    private volatile double fallbackBrier = Double.NaN;

    /** For Declarative Services: configured and started by {@link #activate(Config)}. */
    public EncogPredictor() {
        this(EncogSettings.defaults().withBackground(false));
    }

    /** Plain Java: starts the background trainer when {@code settings.background()}; {@link #close()} stops it. */
    public EncogPredictor(EncogSettings settings) {
        configure(settings);
    }

    private void configure(EncogSettings s) {
        this.settings = s;
        this.queue = new ArrayBlockingQueue<>(s.queueCapacity());
        this.sampling = new Random(s.seed());
        synchronized (trainLock) {
            xs = new double[s.maxSamples()][];
            ys = new double[s.maxSamples()];
            size = 0;
            head = 0;
        }
        if (s.background()) {
            start();
        }
    }

    @Activate
    void activate(Config c) {
        stop();
        EncogSettings d = EncogSettings.defaults();
        configure(new EncogSettings(c.queueCapacity(), c.sampleEvery(), d.trainEvery(), d.minSamples(), d.maxSamples(),
                c.hiddenNeurons(), d.epochs(), d.requiredImprovement(), true, d.seed()));
        LOG.info("Encog predictor active (untrained: histogram-hazard fallback until the network beats it)");
    }

    @Deactivate
    void deactivate() {
        close();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void start() {
        if (running) {
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
                t.join(5_000);
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
        double[] x = new double[Features.COUNT];
        Features.compute(view, p, nowMillis, windowMillis, x);
        Model m = model;
        if (m == null || m.windowMillis() != windowMillis) {
            return x[Features.HAZARD];
        }
        double y = m.predict(x);
        return y >= 0 ? (y <= 1 ? y : 1.0) : 0.0;
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

    // ------------------------------------------------------------------ ingest path: enqueue only

    @Override
    public void observe(InvocationEvent event, ProfileView view) {
        ArrayBlockingQueue<Object> q = queue;
        offer(q, new Mark(event.functionId(), event.timestampMillis()));
        String sampleFn = null;
        synchronized (observeLock) {
            if (knownSet.add(event.functionId())) {
                known.add(event.functionId());
            }
            if (++observed % settings.sampleEvery() == 0) {
                sampleFn = known.get(sampling.nextInt(known.size()));
            }
        }
        if (sampleFn != null) {
            FunctionProfile p = view.profile(sampleFn);
            if (p != null) {
                // observe() is not told the profiler's window: samples use the window of the latest
                // probability() call (see trainedWindow)
                long w = trainedWindow;
                double[] x = new double[Features.COUNT];
                Features.compute(view, p, event.timestampMillis(), w, x);
                offer(q, new Sample(sampleFn, event.timestampMillis(), w, x));
            }
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
    }

    // ------------------------------------------------------------------ trainer

    private void runTrainer() {
        while (running) {
            try {
                Object first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                synchronized (trainLock) {
                    handle(first);
                    Object next;
                    int n = 0;
                    while (n++ < 100_000 && (next = queue.poll()) != null) {
                        handle(next);
                    }
                }
                maybeTrain();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Encog trainer round failed; keeping the previous model", e);
            }
        }
    }

    /** Manual mode (and tests): labels everything queued and trains if enough new samples arrived. */
    public void trainNow() {
        synchronized (trainLock) {
            Object item;
            while ((item = queue.poll()) != null) {
                handle(item);
            }
        }
        maybeTrain();
    }

    private void handle(Object item) {
        if (item instanceof Mark m) {
            if (m.time() > latest) {
                latest = m.time();
            }
            ArrayDeque<Pending> mine = pendingByFunction.get(m.function());
            if (mine != null) {
                for (Pending p : mine) {
                    if (p.sample.time() < m.time() && m.time() <= p.sample.time() + p.sample.window()) {
                        p.positive = true;
                    }
                }
            }
            while (!pending.isEmpty() && pending.peekFirst().sample.time() + pending.peekFirst().sample.window() < latest) {
                Pending done = pending.pollFirst();
                ArrayDeque<Pending> d = pendingByFunction.get(done.sample.function());
                if (d != null) {
                    d.remove(done);
                    if (d.isEmpty()) {
                        pendingByFunction.remove(done.sample.function());
                    }
                }
                addLabelled(done);
            }
        } else if (item instanceof Sample s) {
            Pending p = new Pending(s);
            pending.addLast(p);
            pendingByFunction.computeIfAbsent(s.function(), k -> new ArrayDeque<>()).addLast(p);
        }
    }

    private void addLabelled(Pending p) {
        if (p.sample.window() != candidateWindow) {
            // a new window: what was learned for the old one does not apply
            size = 0;
            head = 0;
            candidate = null;
            candidateWindow = p.sample.window();
            sinceTraining = 0;
        }
        xs[head] = p.sample.x();
        ys[head] = p.positive ? 1.0 : 0.0;
        head = (head + 1) % xs.length;
        size = Math.min(size + 1, xs.length);
        labelled++;
        sinceTraining++;
    }

    private final Object roundLock = new Object();

    private void maybeTrain() {
        synchronized (roundLock) {
            trainRound();
        }
    }

    private void trainRound() {
        double[][] trainX;
        double[][] trainY;
        double[][] validX;
        double[] validY;
        long window;
        EncogSettings s = settings;
        synchronized (trainLock) {
            if (size < s.minSamples() || sinceTraining < s.trainEvery()) {
                return;
            }
            sinceTraining = 0;
            int nValid = size / 5;
            trainX = new double[size - nValid][];
            trainY = new double[size - nValid][];
            validX = new double[nValid][];
            validY = new double[nValid];
            // out-of-time validation: the newest fifth is held out (interleaved hold-outs share moments
            // with training samples and would not reveal overfitting)
            int oldest = size < xs.length ? 0 : head;
            for (int i = 0, t = 0, v = 0; i < size; i++) {
                int k = (oldest + i) % xs.length;
                if (i >= size - nValid) {
                    validX[v] = xs[k];
                    validY[v++] = ys[k];
                } else {
                    trainX[t] = xs[k];
                    trainY[t++] = new double[] {ys[k]};
                }
            }
            window = candidateWindow;
            if (candidate == null) {
                candidate = new BasicNetwork();
                candidate.addLayer(new BasicLayer(null, true, Features.COUNT));
                candidate.addLayer(new BasicLayer(new ActivationSigmoid(), true, s.hiddenNeurons()));
                candidate.addLayer(new BasicLayer(new ActivationSigmoid(), false, 1));
                candidate.getStructure().finalizeStructure();
                candidate.reset((int) s.seed());
            }
        }
        BasicNetwork net = candidate;
        ResilientPropagation train = new ResilientPropagation(net, new BasicMLDataSet(trainX, trainY));
        train.setRPROPType(RPROPType.iRPROPp);
        train.setThreadCount(1);
        for (int e = 0; e < s.epochs(); e++) {
            train.iteration();
        }
        train.finishTraining();
        double netSum = 0;
        double fbSum = 0;
        double[] out = new double[1];
        for (int i = 0; i < validX.length; i++) {
            net.compute(validX[i], out);
            netSum += (out[0] - validY[i]) * (out[0] - validY[i]);
            double fb = validX[i][Features.HAZARD];
            fbSum += (fb - validY[i]) * (fb - validY[i]);
        }
        double netBrier = netSum / validX.length;
        double fbBrier = fbSum / validX.length;
        validationBrier = netBrier;
        fallbackBrier = fbBrier;
        trainings.incrementAndGet();
        boolean better = netBrier < (1.0 - s.requiredImprovement()) * fbBrier;
        Model previous = model;
        model = better ? new Model((BasicNetwork) net.clone(), window) : null;
        if ((previous == null) == better) {
            LOG.info("Encog network {} (held-out Brier {} vs fallback {} on {} samples)",
                    better ? "now in use" : "not better than the fallback: using the histogram estimate",
                    String.format("%.4f", netBrier), String.format("%.4f", fbBrier), validX.length);
        }
    }

    public Status status() {
        Model m = model;
        synchronized (trainLock) {
            return new Status(m != null, labelled, trainings.get(), validationBrier, fallbackBrier, dropped.get(),
                    queue.size(), candidateWindow);
        }
    }
}
