package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.fs.common.GenerationalBackend.Generation;

class FunctionStateTest {

    final FunctionState st = new FunctionState("fn", Path.of("/backend/fn"));

    Generation gen(long n) {
        return new Generation(st, n, st.dir.resolve("gen-" + n), List.of(Path.of("/layers/a")));
    }

    @Test
    void retiredGenerationsFallDueAfterTheGracePeriodUnlessLeased() {
        Generation old = gen(1);
        Generation young = gen(2);
        Generation leased = gen(3);
        leased.refs = 1;
        st.retire(old, 1_000);
        st.retire(young, 1_800);
        st.retire(leased, 1_000);
        assertTrue(old.retired && young.retired);
        FunctionState.Due due = st.takeDue(2_000, 500, false);
        assertEquals(List.of(old), due.generations());
        assertEquals(300, due.soonestNanos(), "the young one is due 300 ns later");
        assertEquals(List.of(young, leased), st.retired);
    }

    @Test
    void forcedReapTakesEveryUnleasedGenerationAndNothingWaits() {
        Generation young = gen(2);
        Generation leased = gen(3);
        leased.refs = 2;
        st.retire(young, 1_000);
        st.retire(leased, 1_000);
        FunctionState.Due due = st.takeDue(1_001, 60_000, true);
        assertEquals(List.of(young), due.generations());
        assertEquals(Long.MAX_VALUE, due.soonestNanos(), "a leased generation is reaped when its lease closes, not by time");
        assertEquals(List.of(leased), st.retired);
    }

    @Test
    void onlyARemovedFunctionWithNothingLeftIsDisposable() {
        assertFalse(st.isDisposable(), "not removed");
        st.removed = true;
        assertTrue(st.isDisposable());
        st.leases = 1;
        assertFalse(st.isDisposable(), "leased");
        st.leases = 0;
        st.current = gen(1);
        assertFalse(st.isDisposable(), "has a current generation");
        st.current = null;
        st.retire(gen(2), 0);
        assertFalse(st.isDisposable(), "a retired generation still to tear down");
    }
}
