package org.layerswap.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VictimChainTest {

    @Test
    void theNextVictimAtTheSameInstantContinuesOnlyAfterTheChosenVictimLeft() {
        VictimChain c = new VictimChain();
        assertFalse(c.continuesAt(1_000), "nothing chosen yet");
        c.chosen(7, 1_000);
        assertFalse(c.continuesAt(1_000), "the victim has not left yet");
        c.chosen(7, 1_000);
        c.evicted(7);
        assertTrue(c.continuesAt(1_000));
        assertEquals(7, c.victim());
        assertFalse(c.continuesAt(1_000), "asking closes the chain until the next choice");
    }

    @Test
    void anotherEvictionAnotherInstantOrAResetBreaksTheChain() {
        VictimChain c = new VictimChain();
        c.chosen(3, 1_000);
        c.evicted(4);
        assertFalse(c.continuesAt(1_000), "another layer left");
        c.chosen(3, 1_000);
        c.evicted(3);
        c.evicted(3);
        assertFalse(c.continuesAt(1_000), "a second eviction is a change the chain did not see");
        c.chosen(3, 1_000);
        c.evicted(3);
        assertFalse(c.continuesAt(1_001), "another instant: every key moved");
        c.chosen(3, 1_000);
        c.evicted(3);
        c.reset();
        assertFalse(c.continuesAt(1_000), "any other call into the planning resets it");
    }
}
