package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code layerswap:*} command with a failure path, run in a batch session as
 * {@code ./layerswap client} runs it: the error line on stderr, nothing on stdout, exit status 1.
 */
class CommandFailurePathsTest {

    static Stream<Arguments> failures() {
        FakeControl control = new FakeControl();
        return Stream.of(
                failure("executions", ExecutionsCommand::new, "no function executor is running (feature layerswap-executor)"),
                failure("experiment", () -> {
                    ExperimentCommand c = new ExperimentCommand();
                    c.action = "report";
                    return c;
                }, "no feedback loop is running (feature layerswap-feedback)"),
                failure("cluster", ClusterCommand::new, "no cluster component is running (feature layerswap-cluster)"),
                failure("function-add", FunctionAddCommand::new, "no swap manager is running (feature layerswap-swap)"),
                failure("functions", FunctionsCommand::new, "no swap manager is running (feature layerswap-swap)"),
                failure("ingest", IngestCommand::new, "the ingestion routes are not running (feature layerswap-routes)"),
                failure("invoke", InvokeCommand::new, "no function executor is running (feature layerswap-executor)"),
                failure("layers", LayersCommand::new, "no layer store is running (feature layerswap-store)"),
                failure("predictions", PredictionsCommand::new, "no behavioral profiler is running (feature layerswap-profiler)"),
                failure("prefetch", PrefetchCommand::new, "no swap manager is running (feature layerswap-swap)"),
                failure("prefetches", PrefetchesCommand::new, "no swap manager is running (feature layerswap-swap)"),
                failure("swap", SwapCommand::new, "no swap manager is running (feature layerswap-swap)"),
                failure("swaps", SwapsCommand::new, "no swap manager is running (feature layerswap-swap)"),
                failure("threshold", ThresholdCommand::new, "no swap manager is running (feature layerswap-swap)"),
                failure("predictor-use", () -> {
                    PredictorUseCommand c = new PredictorUseCommand();
                    c.control = control;
                    c.name = "nope";
                    return c;
                }, "unknown predictor 'nope'"),
                failure("fs-use", () -> {
                    FsUseCommand c = new FsUseCommand();
                    c.control = control;
                    c.name = "zfs";
                    return c;
                }, "unknown backend 'zfs'"),
                failure("replay", () -> {
                    ReplayCommand c = new ReplayCommand();
                    c.trace = "synthetic:functions=100000000";
                    return c;
                }, "synthetic functions=100000000 exceeds the limit 20000 (layerswap.synthetic.maxFunctions)"));
    }

    private static Arguments failure(String name, Supplier<LayerswapCommand> command, String message) {
        return Arguments.of(name, command, message);
    }

    @ParameterizedTest(name = "layerswap:{0}")
    @MethodSource("failures")
    void aFailedCommandInBatchPrintsOneErrorLineOnStderrNothingOnStdoutAndExitsOne(String name, Supplier<LayerswapCommand> make,
            String message) throws Exception {
        LayerswapCommand command = make.get();
        command.session = Sessions.batch();

        Console c = Console.run(command::execute);

        assertEquals(1, c.result(), name);
        assertEquals("", c.out(), name);
        List<String> lines = c.err().lines().toList();
        assertEquals(1, lines.size(), c.err());
        assertEquals("Error: " + message, lines.get(0));
    }
}
