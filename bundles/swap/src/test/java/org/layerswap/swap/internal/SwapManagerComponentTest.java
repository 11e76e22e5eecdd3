package org.layerswap.swap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.api.SwapManager;

class SwapManagerComponentTest {

    /**
     * The OSGi service is the component, which delegates to the core: an api method it does not override answers with
     * the api's default (a no-op, NONE, "unsupported") however the core implements it. This happened to
     * {@code fetchBudget} (api 1.9) until this test.
     */
    @Test
    void theServiceComponentOverridesEverySwapManagerMethodSoNoneFallsBackToTheApisDefault() {
        List<String> missing = new ArrayList<>();
        for (Method m : SwapManager.class.getMethods()) {
            try {
                SwapManagerComponent.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(m.getName());
            }
        }
        assertEquals(List.of(), missing, "SwapManager methods SwapManagerComponent does not delegate");
    }
}
