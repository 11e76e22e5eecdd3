package org.layerswap.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/** etc/org.layerswap.persistence.cfg names only real attributes and states the code's defaults. */
class ConfigFileTest {

    static final Path CFG = Paths.get("../../etc/org.layerswap.persistence.cfg");

    /** DS property name of an annotation method: a single leading '_' becomes '.'. */
    static String property(Method m) {
        return m.getName().startsWith("_") ? "." + m.getName().substring(1) : m.getName();
    }

    @Test
    void theShippedConfigFileMatchesTheComponent() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(CFG)) {
            p.load(r);
        }
        Set<String> attributes = new TreeSet<>();
        for (Method m : PersistenceComponent.Config.class.getDeclaredMethods()) {
            attributes.add(property(m));
            String v = p.getProperty(property(m));
            assertTrue(v != null, property(m) + " is not documented in " + CFG);
            assertEquals(String.valueOf(m.getDefaultValue()), v.trim(), "documented default of " + property(m) + " differs from the code");
        }
        assertEquals(attributes, new TreeSet<>(p.stringPropertyNames()), "unknown keys in " + CFG);
    }
}
