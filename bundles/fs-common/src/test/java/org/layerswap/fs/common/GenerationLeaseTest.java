package org.layerswap.fs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.layerswap.fs.common.GenerationalBackend.Generation;

class GenerationLeaseTest {

    final FunctionState st = new FunctionState("fn", Path.of("/backend/fn"));
    final Generation g = new Generation(st, 4, st.dir.resolve("gen-4"), List.of(Path.of("/layers/a")));
    final List<Generation> handedBack = new ArrayList<>();
    final List<String> released = new ArrayList<>();

    GenerationLease lease() {
        g.refs++;
        st.leases++;
        return new GenerationLease(g, g.merged(), null, handedBack::add);
    }

    @Test
    void aLeaseDescribesItsGeneration() {
        GenerationLease l = lease();
        assertEquals("fn", l.functionId());
        assertEquals(Path.of("/backend/fn/gen-4/merged"), l.root());
        assertEquals(4, l.generation());
        assertEquals(List.of(Path.of("/layers/a")), l.layerDirs());
        assertEquals("RootLease[fn gen 4 /backend/fn/gen-4/merged]", l.toString());
    }

    @Test
    void closingTwiceCountsOnce() {
        GenerationLease a = lease();
        lease();
        a.close();
        a.close();
        assertEquals(1, g.refs);
        assertEquals(1, st.leases);
    }

    @Test
    void onlyTheLastLeaseOfARetiredGenerationHandsItBackForTeardown() {
        GenerationLease a = lease();
        GenerationLease b = lease();
        a.close();
        assertEquals(List.of(), handedBack, "not retired");
        st.retire(g, 0);
        GenerationLease c = lease();
        b.close();
        assertEquals(List.of(), handedBack, "still leased by c");
        c.close();
        assertEquals(List.of(g), handedBack);
    }

    @Test
    void theInvocationsOwnTreeIsReleasedOnceAndBeforeTheGenerationIsUnpinned() {
        st.retire(g, 0);
        g.refs++;
        st.leases++;
        Path own = Path.of("/backend/fn/gen-4/inv-1/merged");
        GenerationLease l = new GenerationLease(g, own, (gen, root) -> released.add(root + " refs=" + gen.refs), handedBack::add);
        assertEquals(own, l.root());
        assertEquals("RootLease[fn gen 4 " + own + "]", l.toString());
        l.close();
        l.close();
        assertEquals(List.of(own + " refs=1"), released, "released while the generation was still pinned, once");
        assertEquals(List.of(g), handedBack);
    }
}
