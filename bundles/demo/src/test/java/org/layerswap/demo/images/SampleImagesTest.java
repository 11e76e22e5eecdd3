package org.layerswap.demo.images;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class SampleImagesTest {

    @Test
    void tellsStaticFromDynamicExecutables() throws Exception {
        assertFalse(SampleImages.hasInterpreter(SampleImages.staticBusybox()), "busybox-static must be static");
        assertTrue(SampleImages.hasInterpreter(Path.of("/usr/bin/env")), "coreutils' env is dynamically linked");
    }
}
