package org.layerswap.shell;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FunctionExecutor;

@Command(scope = "layerswap", name = "executions", description = "Shows recent function executions with their cold-start breakdown, newest first")
@Service
public class ExecutionsCommand extends LayerswapCommand {

    @Reference(optional = true)
    FunctionExecutor executor;

    @Option(name = "-n", aliases = "--limit", description = "How many executions to show (1..10000)")
    int limit = 20;

    @Override
    void run() throws Exception {
        Operator.require(executor, "function executor", "layerswap-executor");
        Operator.inRange("-n", limit, 1, 10_000);
        if (!executor.isAvailable()) {
            System.out.println("Executor " + executor.name() + " unavailable: " + executor.unavailableReason());
        }
        ShellTable table = new ShellTable();
        table.column("#").alignRight();
        table.column("Function");
        table.column("Status");
        table.column("Exit").alignRight();
        table.column("Layer wait").alignRight();
        table.column("Mount").alignRight();
        table.column("Start").alignRight();
        table.column("Run").alignRight();
        table.column("To 1st instr.").alignRight();
        table.column("Started");
        table.column("Detail");
        for (ExecutionResult r : executor.recentExecutions(limit)) {
            var c = r.coldStart();
            table.addRow().addContent(r.id(), r.functionId(), r.status(), r.exitCode(), InvokeCommand.ms(c.layerWaitMicros()),
                    InvokeCommand.ms(c.mountMicros()), InvokeCommand.ms(c.processStartMicros()), InvokeCommand.ms(c.executionMicros()),
                    InvokeCommand.ms(c.toFirstInstructionMicros()), Instant.ofEpochMilli(r.startedMillis()), r.detail());
        }
        table.print(System.out);
    }
}
