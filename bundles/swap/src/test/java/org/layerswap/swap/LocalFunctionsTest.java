package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.layerswap.api.cluster.FunctionPlacement;

class LocalFunctionsTest {

    /** Places the functions in {@code here} on this node; counts the calls. */
    static final class CountingPlacement implements FunctionPlacement {
        final Set<String> here = new HashSet<>();
        int bulkCalls;
        int singleCalls;
        boolean failing;

        @Override
        public boolean isLocal(String functionId) {
            singleCalls++;
            return here.contains(functionId);
        }

        @Override
        public String nodeOf(String functionId) {
            return here.contains(functionId) ? "127.0.0.1:5701" : "127.0.0.1:5702";
        }

        @Override
        public Set<String> localOf(Collection<String> functionIds) {
            bulkCalls++;
            if (failing) {
                throw new IllegalStateException("the member is shutting down");
            }
            Set<String> out = new HashSet<>(functionIds);
            out.retainAll(here);
            return out;
        }
    }

    private final LocalFunctions locals = new LocalFunctions();
    private final CountingPlacement placement = new CountingPlacement();
    private final List<String> ids = new ArrayList<>(List.of("a", "b", "c"));

    @Test
    void withoutAPlacementEveryFunctionIsLocalAndNothingIsAsked() {
        locals.refresh(ids);
        for (int f = 0; f < ids.size(); f++) {
            assertTrue(locals.isLocal(f, ids));
        }
    }

    @Test
    void aPassAsksThePlacementOnceForAllFunctionsAndAnswersEveryLookupFromThatAnswer() {
        placement.here.add("b");
        locals.use(placement);
        locals.refresh(ids);
        for (int k = 0; k < 100; k++) {
            assertFalse(locals.isLocal(0, ids));
            assertTrue(locals.isLocal(1, ids));
            assertFalse(locals.isLocal(2, ids));
        }
        assertEquals(1, placement.bulkCalls);
        assertEquals(0, placement.singleCalls);
        placement.here.add("a"); // membership changed: seen at the next pass, not before
        assertFalse(locals.isLocal(0, ids));
        locals.refresh(ids);
        assertTrue(locals.isLocal(0, ids));
        assertEquals(2, placement.bulkCalls);
    }

    @Test
    void aFunctionIndexedSinceThePassOrAPlacementBoundSinceIsAskedAtItsFirstLookup() {
        locals.use(placement);
        locals.refresh(ids);
        ids.add("d");
        placement.here.add("d");
        assertTrue(locals.isLocal(3, ids));
        assertEquals(2, placement.bulkCalls);
        CountingPlacement other = new CountingPlacement();
        locals.use(other);
        assertFalse(locals.isLocal(3, ids), "the new placement's answer, not the old one's");
        assertEquals(1, other.bulkCalls);
        locals.use(null);
        assertTrue(locals.isLocal(0, ids), "unbound: a single node again");
    }

    @Test
    void aFailingPlacementMakesEveryFunctionLocalAndIsNotAskedAgainBeforeTheNextPass() {
        placement.failing = true;
        locals.use(placement);
        locals.refresh(ids);
        for (int f = 0; f < ids.size(); f++) {
            assertTrue(locals.isLocal(f, ids));
        }
        assertEquals(1, placement.bulkCalls);
        placement.failing = false;
        locals.refresh(ids);
        assertFalse(locals.isLocal(0, ids), "answered again once it works");
    }
}
