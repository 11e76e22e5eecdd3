package org.layerswap.feedback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.feedback.Assignment;
import org.layerswap.feedback.FeedbackSettings;
import org.layerswap.testkit.ConfigFileCheck;

/**
 * The shipped configuration yields valid settings, and bad values are rejected by name. (That the file
 * documents exactly the form with its defaults is checked for every file in bundles/config-check.)
 */
class FeedbackComponentSettingsTest {

    static final Path CFG = Path.of("../../etc/org.layerswap.feedback.cfg");

    static FeedbackComponent.Config config(Map<String, String> values) {
        return ConfigFileCheck.instance(FeedbackComponent.Config.class, values);
    }

    @Test
    void theShippedConfigFileYieldsTheDefaultSettings() {
        FeedbackSettings s = FeedbackComponent.settings(ConfigFileCheck.instance(FeedbackComponent.Config.class, CFG));
        assertEquals(Assignment.Mode.BY_FUNCTION, s.experiment().mode());
        assertEquals(60_000, s.evaluationIntervalMillis());
        assertEquals(FeedbackSettings.defaults(), s);
    }

    @Test
    void badValuesAreRejectedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeedbackComponent.settings(config(Map.of("assignmentMode", "by-tenant"))));
        assertTrue(e.getMessage().contains("by-tenant"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FeedbackComponent.settings(config(Map.of("minThreshold", "0.9", "maxThreshold", "0.2"))));
        assertTrue(e.getMessage().contains("minThreshold"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FeedbackComponent.settings(config(Map.of("treatmentShare", "1.5"))));
        assertTrue(e.getMessage().contains("treatmentShare"), e.getMessage());
    }
}
