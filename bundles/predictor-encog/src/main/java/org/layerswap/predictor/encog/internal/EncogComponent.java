package org.layerswap.predictor.encog.internal;

import org.layerswap.api.InvocationEvent;
import org.layerswap.api.Predictor;
import org.layerswap.api.ProfileView;
import org.layerswap.api.StateStore;
import org.layerswap.predictor.encog.EncogPredictor;
import org.layerswap.predictor.encog.EncogSettings;
import org.layerswap.predictor.encog.NetworkKind;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Encog predictor as an OSGi service: background training on the trace-time schedule, configuration
 * applied while serving ({@link Modified}), and the network persisted through the optional
 * {@link StateStore} (dynamic reference: the predictor runs, and relearns, without one).
 */
@Component(service = Predictor.class, configurationPid = "org.layerswap.predictor.encog",
        property = {Predictor.NAME_PROPERTY + "=" + EncogPredictor.NAME, "service.ranking:Integer=50"})
@Designate(ocd = EncogPredictor.Config.class)
public class EncogComponent implements Predictor {

    private static final Logger LOG = LoggerFactory.getLogger(EncogComponent.class);

    private final EncogPredictor predictor = new EncogPredictor(EncogSettings.defaults().withBackground(false));

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStateStore(StateStore store) {
        predictor.setStateStore(store);
    }

    void unbindStateStore(StateStore store) {
        predictor.setStateStore(null);
    }

    @Activate
    void activate(EncogPredictor.Config c) {
        predictor.reconfigure(settings(c));
        LOG.info("Encog predictor active ({} network; histogram-hazard fallback until the network beats it)", c.networkType());
    }

    @Modified
    void modified(EncogPredictor.Config c) {
        predictor.reconfigure(settings(c));
        LOG.info("Encog predictor reconfigured ({} network, a round every {} min of event time)", c.networkType(),
                c.trainIntervalMinutes());
    }

    static EncogSettings settings(EncogPredictor.Config c) {
        EncogSettings d = EncogSettings.defaults();
        if (c.trainIntervalMinutes() <= 0) {
            throw new IllegalArgumentException("trainIntervalMinutes must be > 0, got " + c.trainIntervalMinutes());
        }
        return new EncogSettings(c.queueCapacity(), c.sampleEvery(), c.trainIntervalMinutes() * 60_000L, d.minNewSamples(),
                d.minSamples(),
                d.maxSamples(), c.hiddenNeurons(), d.epochs(), d.requiredImprovement(), EncogSettings.Training.BACKGROUND,
                NetworkKind.parse(c.networkType()), d.seed(), c.maxTrackedFunctions());
    }

    @Deactivate
    void deactivate() {
        predictor.close();
    }

    /** The plain predictor behind the service (status, tests). */
    public EncogPredictor predictor() {
        return predictor;
    }

    @Override
    public String name() {
        return predictor.name();
    }

    @Override
    public double probability(ProfileView view, String functionId, long nowMillis, long windowMillis) {
        return predictor.probability(view, functionId, nowMillis, windowMillis);
    }

    @Override
    public void observe(InvocationEvent event, ProfileView view) {
        predictor.observe(event, view);
    }
}
