package org.layerswap.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScrapeAuthTest {

    @Test
    void onlyTheBearerTokenIsAdmitted() {
        ScrapeAuth auth = new ScrapeAuth("s3cret-token-0123456789");
        assertTrue(auth.admits("Bearer s3cret-token-0123456789"));
        assertTrue(auth.admits("bearer s3cret-token-0123456789 "));
        assertFalse(auth.admits("Bearer s3cret-token-012345678"));
        assertFalse(auth.admits("Basic s3cret-token-0123456789"));
        assertFalse(auth.admits(null));
    }

    @Test
    void aBlankTokenAdmitsNobodyAndANewTokenReplacesTheOld() {
        ScrapeAuth auth = new ScrapeAuth("  ");
        assertFalse(auth.admits("Bearer "));
        assertFalse(auth.admits("Bearer  "));
        auth.setToken("next-token-0123456789");
        assertTrue(auth.admits("Bearer next-token-0123456789"));
        auth.setToken("other-token-0123456789");
        assertFalse(auth.admits("Bearer next-token-0123456789"));
    }
}
