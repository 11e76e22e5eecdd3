package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerswap.api.BackendInfo;
import org.layerswap.api.ServiceInfo;

class ChoiceListCommandTest {

    private final FakeControl control = new FakeControl();

    private static List<String> lines(String out) {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void theConfiguredChoiceComesFirstThenAHeaderAndOneRowPerCandidateInTheControlsOrder() throws Exception {
        control.backends.add(new BackendInfo("overlay", 100, true, "", 3, true));
        control.backends.add(new BackendInfo("copy", 10, false, "no space", 0, false));
        control.configuredBackend = "overlay";
        FsListCommand command = new FsListCommand();
        command.control = control;

        Console console = Console.run(command::execute);

        assertNull(console.result());
        List<String> lines = lines(console.out());
        assertEquals("Configured: overlay", lines.get(0));
        assertTrue(lines.get(1).matches("Name\\s*\\|\\s*Ranking\\s*\\|\\s*Available\\s*\\|\\s*Roots\\s*\\|\\s*Configured\\s*\\|\\s*Why unavailable\\s*"),
                lines.get(1));
        List<String> rows = lines.subList(lines.size() - 2, lines.size());
        assertTrue(rows.get(0).matches("overlay\\s*\\|\\s*100\\s*\\|\\s*yes\\s*\\|\\s*3\\s*\\|\\s*\\*\\s*\\|\\s*"), rows.get(0));
        assertTrue(rows.get(1).matches("copy\\s*\\|\\s*10\\s*\\|\\s*no\\s*\\|\\s*0\\s*\\|\\s*\\|\\s*no space"), rows.get(1));
        assertEquals("", console.err());
    }

    @Test
    void anUnsetPredictorReadsAsHighestRankingWinsAndTheActiveOneIsStarred() throws Exception {
        control.predictors.add(new ServiceInfo("Predictor", "markov", 50, "org.layerswap.predictor.markov", true));
        control.predictors.add(new ServiceInfo("Predictor", "poisson", 0, "org.layerswap.profiler", false));
        PredictorListCommand command = new PredictorListCommand();
        command.control = control;

        List<String> lines = lines(Console.run(command::execute).out());

        assertEquals("Configured: (none: highest ranking wins)", lines.get(0));
        assertTrue(lines.get(lines.size() - 2).matches("markov\\s*\\|\\s*50\\s*\\|\\s*\\*\\s*\\|\\s*org.layerswap.predictor.markov"),
                lines.get(lines.size() - 2));
        assertTrue(lines.get(lines.size() - 1).matches("poisson\\s*\\|\\s*0\\s*\\|\\s*\\|\\s*org.layerswap.profiler"),
                lines.get(lines.size() - 1));
    }

    @Test
    void aConfiguredPredictorIsShownByName() throws Exception {
        control.configuredPredictor = "encog";
        PredictorListCommand command = new PredictorListCommand();
        command.control = control;

        assertEquals("Configured: encog", lines(Console.run(command::execute).out()).get(0));
    }
}
