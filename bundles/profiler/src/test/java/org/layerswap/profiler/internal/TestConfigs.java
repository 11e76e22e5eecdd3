package org.layerswap.profiler.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link ProfilerComponent.Config} instances as SCR builds them: given values, else the declared defaults. */
final class TestConfigs {

    private TestConfigs() {
    }

    static ProfilerComponent.Config config(Map<String, Object> values) {
        return (ProfilerComponent.Config) Proxy.newProxyInstance(TestConfigs.class.getClassLoader(),
                new Class<?>[] {ProfilerComponent.Config.class}, (proxy, m, args) -> {
                    if (values.containsKey(m.getName())) {
                        return values.get(m.getName());
                    }
                    return m.getDefaultValue();
                });
    }
}
