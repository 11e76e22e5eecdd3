package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.Test;
import org.layerswap.api.BackendInfo;
import org.layerswap.api.ServiceInfo;

class ChoiceNameCompleterTest {

    private final FakeControl control = new FakeControl();

    /** The command line {@code <command> <typed>} with the cursor at its end. */
    private static CommandLine typed(String typed) {
        String buffer = "layerswap:x-use " + typed;
        return new CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return 1;
            }

            @Override
            public String getCursorArgument() {
                return typed;
            }

            @Override
            public int getArgumentPosition() {
                return typed.length();
            }

            @Override
            public String[] getArguments() {
                return new String[] {"layerswap:x-use", typed};
            }

            @Override
            public int getBufferPosition() {
                return buffer.length();
            }

            @Override
            public String getBuffer() {
                return buffer;
            }
        };
    }

    private static List<String> complete(ChoiceNameCompleter completer, String typed) {
        List<String> candidates = new ArrayList<>();
        completer.complete(null, typed(typed), candidates);
        return candidates.stream().map(String::strip).sorted().toList();
    }

    @Test
    void backendCompletionOffersAutoAndEveryInstalledBackend() {
        control.backends.add(new BackendInfo("overlay", 100, true, "", 0, true));
        control.backends.add(new BackendInfo("copy", 10, false, "no space", 0, false));
        BackendNameCompleter completer = new BackendNameCompleter();
        completer.control = control;

        assertEquals(List.of("auto", "copy", "overlay"), complete(completer, ""));
        assertEquals(List.of("overlay"), complete(completer, "ov"));
    }

    @Test
    void predictorCompletionLeavesOutServicesWithoutAName() {
        control.predictors.add(new ServiceInfo("Predictor", "markov", 50, "b", true));
        control.predictors.add(new ServiceInfo("Predictor", "", 0, "b", false));
        control.predictors.add(new ServiceInfo("Predictor", "histogram", 0, "b", false));
        PredictorNameCompleter completer = new PredictorNameCompleter();
        completer.control = control;

        assertEquals(List.of("histogram", "markov"), complete(completer, ""));
    }

    @Test
    void namesAreAskedAgainAtEachCompletionSoANewServiceShowsUp() {
        PredictorNameCompleter completer = new PredictorNameCompleter();
        completer.control = control;
        assertEquals(List.of(), complete(completer, ""));

        control.predictors.add(new ServiceInfo("Predictor", "encog", 0, "b", false));

        assertEquals(List.of("encog"), complete(completer, "e"));
    }
}
