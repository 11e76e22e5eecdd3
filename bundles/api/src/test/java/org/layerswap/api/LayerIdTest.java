package org.layerswap.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LayerIdTest {

    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void parsesSha256Digest() {
        LayerId id = LayerId.of(" sha256:" + HEX + " ");
        assertEquals("sha256", id.algorithm());
        assertEquals(HEX, id.hex());
        assertEquals("9f86d081884c", id.shortForm());
        assertEquals("sha256:" + HEX, id.toString());
    }

    @Test
    void rejectsMalformedDigestsNamingThem() {
        for (String bad : new String[] {"sha256:" + HEX.toUpperCase(), "sha256:abc", "md5:" + HEX, HEX, "", "sha256:" + HEX + "0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerId.of(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> LayerId.of(null));
    }

    @Test
    void abbreviatesHugeInputInErrors() {
        String huge = "x".repeat(10_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerId.of(huge));
        assertTrue(e.getMessage().length() < 300, "error message should not echo 10 kB of input");
    }
}
