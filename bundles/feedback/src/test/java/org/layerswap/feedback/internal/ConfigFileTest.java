package org.layerswap.feedback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.layerswap.feedback.Assignment;
import org.layerswap.feedback.FeedbackSettings;

/** etc/org.layerswap.feedback.cfg names only real attributes, states the code's defaults, and yields valid settings. */
class ConfigFileTest {

    static final Path CFG = Paths.get("../../etc/org.layerswap.feedback.cfg");

    static FeedbackComponent.Config config(Map<String, String> values) {
        return (FeedbackComponent.Config) Proxy.newProxyInstance(ConfigFileTest.class.getClassLoader(),
                new Class<?>[] {FeedbackComponent.Config.class}, (proxy, m, args) -> {
                    String v = values.get(m.getName());
                    if (v == null) {
                        return m.getDefaultValue();
                    }
                    Class<?> t = m.getReturnType();
                    return t == double.class ? Double.parseDouble(v) : t == long.class ? Long.parseLong(v)
                            : t == int.class ? Integer.parseInt(v) : t == boolean.class ? Boolean.parseBoolean(v) : v;
                });
    }

    @Test
    void theShippedConfigFileMatchesTheComponent() throws IOException, ReflectiveOperationException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(CFG)) {
            p.load(r);
        }
        Set<String> attributes = new TreeSet<>();
        for (Method m : FeedbackComponent.Config.class.getDeclaredMethods()) {
            attributes.add(m.getName());
        }
        Map<String, String> values = new HashMap<>();
        for (String k : p.stringPropertyNames()) {
            assertTrue(attributes.contains(k), "unknown key '" + k + "' in " + CFG);
            values.put(k, p.getProperty(k).trim());
            Object def = FeedbackComponent.Config.class.getMethod(k).getDefaultValue();
            assertEquals(String.valueOf(def), values.get(k), "documented default of " + k + " differs from the code");
        }
        assertEquals(attributes, new TreeSet<>(p.stringPropertyNames()), "every attribute is documented in " + CFG);
        FeedbackSettings s = FeedbackComponent.settings(config(values));
        assertEquals(Assignment.Mode.BY_FUNCTION, s.experiment().mode());
        assertEquals(60_000, s.evaluationIntervalMillis());
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
