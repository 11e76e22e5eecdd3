package org.layerswap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerMappingGuardTest {

    @TempDir
    Path dir;

    @Test
    void aMappingThatMatchesNoneOfTheTracesFunctionsIsRefusedWithAClearError() throws Exception {
        Path map = dir.resolve("mapping.csv");
        Files.writeString(map, "function,layer_digest,size_bytes\nsomeApp/someFunction,sha256:" + "a".repeat(64) + ",1000\n");
        ReplaySettings cfg = ReplayMain.parse(new String[] {"--trace", "synthetic:days=1,functions=20,seed=1", "--layers", map.toString()});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplayRunner.load(cfg, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("matches none") && e.getMessage().contains("someApp/someFunction")
                && e.getMessage().contains(map.toString()), e.getMessage());
    }

    @Test
    void aMappingThatMatchesSomeFunctionsIsAcceptedAndTheMatchCountReported() throws Exception {
        ReplaySettings probe = ReplayMain.parse(new String[] {"--trace", "synthetic:days=1,functions=20,seed=1"});
        EventTable plain = ReplayRunner.load(probe, ProgressListener.NONE);
        String fn = plain.functionId(0);
        Path map = dir.resolve("mapping.csv");
        Files.writeString(map, "function,layer_digest,size_bytes\n" + fn + ",sha256:" + "b".repeat(64) + ",1000\n");
        ReplaySettings cfg = ReplayMain.parse(new String[] {"--trace", "synthetic:days=1,functions=20,seed=1", "--layers", map.toString()});
        List<String> phases = new ArrayList<>();
        EventTable tab = ReplayRunner.load(cfg, (phase, fraction) -> phases.add(phase));
        assertTrue(phases.contains("layer mapping matched 1 of " + tab.functionCount() + " functions"), phases.toString());
        int f = -1;
        for (int i = 0; i < tab.functionCount(); i++) {
            if (tab.functionId(i).equals(fn)) {
                f = i;
            }
        }
        assertEquals(1, tab.baseStackOfFunction(f).length, "the mapped function uses the file's one layer");
    }
}
