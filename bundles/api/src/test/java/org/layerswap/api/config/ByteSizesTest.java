package org.layerswap.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void plainBytesAndBinarySuffixesInAnyCase() {
        assertEquals(4096, ByteSizes.parse("4096"));
        assertEquals(2048, ByteSizes.parse("2k"));
        assertEquals(64 * ByteSizes.MB, ByteSizes.parse(" 64M "));
        assertEquals(3 * 1024 * ByteSizes.MB, ByteSizes.parse("3g"));
    }

    @Test
    void malformedOrOverflowingSizesAreNumberFormatErrors() {
        assertThrows(NumberFormatException.class, () -> ByteSizes.parse("12x"));
        assertThrows(NumberFormatException.class, () -> ByteSizes.parse("m"));
        assertThrows(NumberFormatException.class, () -> ByteSizes.parse(""));
        assertEquals("size '9999999999999g' does not fit in 64 bits",
                assertThrows(NumberFormatException.class, () -> ByteSizes.parse("9999999999999g")).getMessage());
    }
}
