package org.layerswap.feedback.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.layerswap.feedback.FeedbackControl;
import org.layerswap.persistence.api.PersistenceService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active only while both the feedback loop and the store are: restores the controller state, records
 * decisions, saves the state every 30 s when it changed and on shutdown. Kept apart from
 * {@link FeedbackComponent} so the feedback loop runs without the persistence bundle (optional import).
 */
@Component(immediate = true)
public final class FeedbackPersistenceComponent {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackPersistenceComponent.class);

    @Reference
    private FeedbackControl feedback;

    @Reference
    private PersistenceService store;

    private PersistenceBridge bridge;
    private ScheduledExecutorService saver;

    @Activate
    void activate() {
        bridge = new PersistenceBridge(feedback, store);
        bridge.restore();
        feedback.addListener(bridge);
        saver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "layerswap-feedback-state");
            t.setDaemon(true);
            return t;
        });
        saver.scheduleWithFixedDelay(this::save, 30, 30, TimeUnit.SECONDS);
    }

    private void save() {
        try {
            bridge.saveStateIfDirty();
        } catch (RuntimeException e) {
            LOG.warn("Cannot save feedback controller state: {}", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        feedback.removeListener(bridge);
        saver.shutdownNow();
        try {
            bridge.saveState();
        } catch (RuntimeException e) {
            LOG.warn("Cannot save feedback controller state on shutdown: {}", e.getMessage());
        }
    }
}
