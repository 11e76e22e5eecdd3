package org.layerswap.source.oci.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.layerswap.source.oci.RegistrySettings;

class OciSourceComponentTest {

    /**
     * A Config as SCR builds it from {@code properties}: the property name of a method follows the
     * DS/Metatype rule (a single '_' becomes '.', so {@code _password} reads {@code .password}).
     */
    static OciSourceComponent.Config config(Map<String, Object> properties) {
        return (OciSourceComponent.Config) Proxy.newProxyInstance(OciSourceComponentTest.class.getClassLoader(),
                new Class<?>[] {OciSourceComponent.Config.class}, (proxy, m, args) -> {
                    String key = m.getName().replaceAll("(?<!_)_(?!_)", ".").replace("__", "_");
                    Object v = properties.get(key);
                    if (v == null) {
                        return m.getDefaultValue();
                    }
                    return m.getReturnType() == long.class ? Long.valueOf(v.toString())
                            : m.getReturnType() == boolean.class ? Boolean.valueOf(v.toString()) : v;
                });
    }

    static RegistrySettings from(Map<String, Object> properties) {
        return OciSourceComponent.registryConfig(config(properties), properties);
    }

    @Test
    void theDotPasswordKeyIsThePasswordAndThePublicKeyIsNoLongerAnAttribute() throws Exception {
        RegistrySettings c = from(Map.of("registry", "https://reg.example", "username", "bob", ".password", "hunter2"));
        assertEquals("hunter2", c.password());
        assertFalse(c.toString().contains("hunter2"), c.toString());
        assertEquals(String.class, OciSourceComponent.Config.class.getMethod("_password").getReturnType());
        assertThrows(NoSuchMethodException.class, () -> OciSourceComponent.Config.class.getMethod("password"));
    }

    @Test
    void theOldPasswordKeyStillWorksButDotPasswordWins() {
        assertEquals("old", from(Map.of("username", "bob", "password", "old")).password());
        assertEquals("new", from(Map.of("username", "bob", "password", "old", ".password", "new")).password());
        assertEquals("", from(Map.of("username", "bob")).password());
    }

    @Test
    void trustSettingsAreRead() {
        Map<String, Object> p = new HashMap<>();
        RegistrySettings defaults = from(p);
        assertEquals(Set.of(), defaults.credentialHosts());
        assertFalse(defaults.allowInsecureTokenRealm());
        assertEquals(4L << 20, defaults.maxDocumentBytes());
        p.put("credentialHosts", " auth.example , CDN.example,");
        p.put("allowInsecureTokenRealm", "true");
        p.put("maxDocumentBytes", "65536");
        RegistrySettings c = from(p);
        assertEquals(Set.of("auth.example", "cdn.example"), c.credentialHosts());
        assertTrue(c.allowInsecureTokenRealm());
        assertEquals(65536, c.maxDocumentBytes());
    }

    @Test
    void theShippedConfigFileNamesEveryAttributeWithTheCodesDefaultAndNoPublicPassword() throws Exception {
        Path cfg = Paths.get("../../etc/org.layerswap.source.oci.cfg");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(cfg)) {
            p.load(r);
        }
        Set<String> attributes = new TreeSet<>();
        for (Method m : OciSourceComponent.Config.class.getDeclaredMethods()) {
            String key = m.getName().startsWith("_") ? "." + m.getName().substring(1) : m.getName();
            attributes.add(key);
            assertEquals(String.valueOf(m.getDefaultValue()), String.valueOf(p.getProperty(key)).trim(), "default of " + key + " in " + cfg);
        }
        assertEquals(attributes, new TreeSet<>(p.stringPropertyNames()), "keys of " + cfg);
        assertFalse(attributes.contains("password"), "the password is a private property");
    }
}
