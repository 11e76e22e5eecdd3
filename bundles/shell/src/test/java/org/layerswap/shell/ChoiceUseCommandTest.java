package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.layerswap.api.BackendInfo;
import org.layerswap.api.ServiceInfo;

class ChoiceUseCommandTest {

    private final FakeControl control = new FakeControl();

    @Test
    void aKnownPredictorIsAppliedAndTheConfirmationNamesWhereItIsStored() throws Exception {
        control.predictors.add(new ServiceInfo("Predictor", "markov", 50, "b", false));
        PredictorUseCommand command = new PredictorUseCommand();
        command.control = control;
        command.name = "markov";

        Console console = Console.run(command::execute);

        assertNull(console.result());
        assertEquals("markov", control.configuredPredictor);
        assertEquals("Predictor set to markov (org.layerswap.profiler predictor=markov)", console.out().strip());
        assertEquals("", console.err());
    }

    @Test
    void aBackendSwitchIsConfirmedWithTheFsConfiguration() throws Exception {
        control.backends.add(new BackendInfo("copy", 10, true, "", 0, false));
        FsUseCommand command = new FsUseCommand();
        command.control = control;
        command.name = "copy";

        Console console = Console.run(command::execute);

        assertEquals("copy", control.configuredBackend);
        assertEquals("Filesystem backend set to copy (org.layerswap.fs backend=copy)", console.out().strip());
    }

    @Test
    void aRefusedNameIsOneErrorLineWithTheControlsReasonAndChangesNothing() throws Exception {
        control.configuredBackend = "auto";
        FsUseCommand command = new FsUseCommand();
        command.control = control;
        command.name = "zfs";

        Console console = Console.run(command::execute);

        assertNull(console.result());
        assertEquals("auto", control.configuredBackend);
        assertEquals("", console.out());
        assertEquals("Error: unknown backend 'zfs'", console.err().strip());
    }
}
