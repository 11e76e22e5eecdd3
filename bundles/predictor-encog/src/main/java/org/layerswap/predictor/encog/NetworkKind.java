package org.layerswap.predictor.encog;

import java.util.Arrays;

import org.encog.engine.network.activation.ActivationSigmoid;
import org.encog.ml.data.MLDataSet;
import org.encog.ml.data.basic.BasicMLData;
import org.encog.ml.data.basic.BasicMLDataPair;
import org.encog.ml.data.basic.BasicMLDataSet;
import org.encog.neural.networks.BasicNetwork;
import org.encog.neural.networks.layers.BasicLayer;
import org.encog.neural.pattern.ElmanPattern;

/**
 * The two network shapes over a {@link Features} sample, selectable by configuration.
 *
 * <p>Invariant: {@link #predict} is a pure function of the network's weights and the sample. The Elman
 * network clears its context before each sequence, so a prediction never depends on which function was
 * scored before; callers serialise calls per network instance (compute() writes the network's buffers).
 */
public enum NetworkKind {

    /** {@value Features#COUNT} lag features → hidden sigmoid layer → 1 sigmoid output. */
    FEED_FORWARD {
        @Override
        BasicNetwork create(int hidden, long seed) {
            BasicNetwork n = new BasicNetwork();
            n.addLayer(new BasicLayer(null, true, Features.COUNT));
            n.addLayer(new BasicLayer(new ActivationSigmoid(), true, hidden));
            n.addLayer(new BasicLayer(new ActivationSigmoid(), false, 1));
            n.getStructure().finalizeStructure();
            n.reset((int) seed);
            return n;
        }

        @Override
        double predict(BasicNetwork net, double[] sample) {
            double[] out = new double[1];
            net.compute(Arrays.copyOf(sample, Features.COUNT), out);
            return out[0];
        }

        @Override
        MLDataSet trainingSet(double[][] samples, double[] labels) {
            BasicMLDataSet set = new BasicMLDataSet();
            for (int i = 0; i < samples.length; i++) {
                set.add(new BasicMLData(Arrays.copyOf(samples[i], Features.COUNT)), new BasicMLData(new double[] {labels[i]}));
            }
            return set;
        }
    },

    /**
     * Elman simple recurrent network (the topology of Encog's {@link ElmanPattern}: the hidden layer's
     * previous output is fed back through a context layer). One sequence per sample: {@value Features#STEPS} steps, step i reading
     * the lag features plus the count of minute i; the output after the last step is the probability.
     * Trained as Encog trains Elman networks (context as an extra input, no unrolling); only the last
     * step of each sequence carries error (significance 0 elsewhere).
     */
    ELMAN {
        @Override
        BasicNetwork create(int hidden, long seed) {
            // the topology ElmanPattern.generate() builds (input layer fed by the hidden layer's context), but
            // with the feed-forward network's sigmoid output instead of ElmanPattern's linear one: the two
            // kinds then differ only in the context layer (with the linear output, held-out Brier on the
            // Azure sample was worse than the fallback at every round)
            BasicNetwork n = new BasicNetwork();
            BasicLayer input = new BasicLayer(null, true, Features.COUNT + 1);
            BasicLayer hiddenLayer = new BasicLayer(new ActivationSigmoid(), true, hidden);
            n.addLayer(input);
            n.addLayer(hiddenLayer);
            n.addLayer(new BasicLayer(new ActivationSigmoid(), false, 1));
            input.setContextFedBy(hiddenLayer);
            n.getStructure().finalizeStructure();
            n.reset((int) seed);
            return n;
        }

        @Override
        double predict(BasicNetwork net, double[] sample) {
            net.getFlat().clearContext();
            double[] out = new double[1];
            for (int step = 0; step < Features.STEPS; step++) {
                net.compute(stepInput(sample, step), out);
            }
            return out[0];
        }

        @Override
        MLDataSet trainingSet(double[][] samples, double[] labels) {
            BasicMLDataSet set = new BasicMLDataSet();
            for (int i = 0; i < samples.length; i++) {
                for (int step = 0; step < Features.STEPS; step++) {
                    BasicMLDataPair pair = new BasicMLDataPair(new BasicMLData(stepInput(samples[i], step)),
                            new BasicMLData(new double[] {labels[i]}));
                    pair.setSignificance(step == Features.STEPS - 1 ? 1.0 : 0.0);
                    set.add(pair);
                }
            }
            return set;
        }

        private double[] stepInput(double[] sample, int step) {
            double[] in = Arrays.copyOf(sample, Features.COUNT + 1);
            in[Features.COUNT] = sample[Features.COUNT + step];
            return in;
        }
    };

    /** A new network with seeded initial weights (same seed, same network). */
    abstract BasicNetwork create(int hidden, long seed);

    /** The network's output for one sample, in [0, 1]. */
    abstract double predict(BasicNetwork net, double[] sample);

    /** Encog's training set for these samples, in sample order. */
    abstract MLDataSet trainingSet(double[][] samples, double[] labels);

    /** Parses a configured name ({@code feed-forward}/{@code FEED_FORWARD}, {@code elman}), naming the bad value. */
    public static NetworkKind parse(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (NetworkKind k : values()) {
            if (k.name().equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown Encog network type '" + name + "'; valid: feed-forward, elman");
    }
}
