package org.layerswap.predictor.encog;

import java.util.Arrays;

import org.encog.neural.networks.BasicNetwork;
import org.encog.neural.networks.training.propagation.resilient.RPROPType;
import org.encog.neural.networks.training.propagation.resilient.ResilientPropagation;

/**
 * One training round: RPROP (iRPROP+, one thread, so the same samples give the same weights) on the
 * older four fifths of the labelled samples, warm-started from the previous round's candidate, then the
 * gate: the candidate is published only when its Brier score on the newest fifth (out of time: interleaved
 * hold-outs share moments with training samples and would not reveal overfitting) is below
 * (1 - requiredImprovement) times the histogram hazard's on the same samples.
 *
 * <p>Invariant: the candidate matches the configured kind, hidden size and the samples' window; any change
 * of those starts a fresh, seeded candidate. Not thread-safe: one trainer owns it.
 */
final class NetworkTrainer {

    /** A round's result; {@code published} is null when the network did not beat the fallback. */
    record Outcome(PublishedModel published, double validationBrier, double fallbackBrier, int validationSamples) {
    }

    private BasicNetwork candidate;
    private NetworkKind kind;
    private int hidden;
    private long window = -1;

    Outcome round(SampleBuffer.Labelled data, EncogSettings s, long traceMillis) {
        if (candidate == null || kind != s.network() || hidden != s.hiddenNeurons() || window != data.window()) {
            candidate = s.network().create(s.hiddenNeurons(), s.seed());
            kind = s.network();
            hidden = s.hiddenNeurons();
            window = data.window();
        }
        int n = data.ys().length;
        int nValid = n / 5;
        int nTrain = n - nValid;
        ResilientPropagation train = new ResilientPropagation(candidate, kind.trainingSet(
                Arrays.copyOf(data.xs(), nTrain), Arrays.copyOf(data.ys(), nTrain)));
        train.setRPROPType(RPROPType.iRPROPp);
        train.setThreadCount(1);
        for (int e = 0; e < s.epochs(); e++) {
            train.iteration();
        }
        train.finishTraining();
        double netSum = 0;
        double fbSum = 0;
        for (int i = nTrain; i < n; i++) {
            double y = data.ys()[i];
            double p = kind.predict(candidate, data.xs()[i]);
            double fb = data.xs()[i][Features.HAZARD];
            netSum += (p - y) * (p - y);
            fbSum += (fb - y) * (fb - y);
        }
        double netBrier = netSum / nValid;
        double fbBrier = fbSum / nValid;
        boolean better = netBrier < (1.0 - s.requiredImprovement()) * fbBrier;
        PublishedModel published = better
                ? new PublishedModel((BasicNetwork) candidate.clone(), kind, window, netBrier, fbBrier, traceMillis)
                : null;
        return new Outcome(published, netBrier, fbBrier, nValid);
    }

    /** Continues training from a restored model (when it fits the configuration; otherwise starts fresh). */
    void warmStart(PublishedModel m, EncogSettings s) {
        if (m.kind() == s.network() && m.network().getLayerNeuronCount(1) == s.hiddenNeurons()) {
            candidate = (BasicNetwork) m.network().clone();
            kind = m.kind();
            hidden = s.hiddenNeurons();
            window = m.windowMillis();
        }
    }
}
