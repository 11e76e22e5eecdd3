package org.layerswap.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ColdStart;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FunctionExecutor;

@Command(scope = "layerswap", name = "invoke",
        description = "Runs a function once in its composed root (sandboxed) and shows its output and where the start-up time went")
@Service
public class InvokeCommand extends LayerswapCommand {

    @Reference(optional = true)
    FunctionExecutor executor;

    @Argument(index = 0, name = "function", required = true, description = "A defined function id")
    @Completion(FunctionNameCompleter.class)
    String function;

    @Argument(index = 1, name = "params", multiValued = true, description = "Input parameters as name=value")
    List<String> params;

    @Override
    void run() throws Exception {
        Operator.require(executor, "function executor", "layerswap-executor");
        ExecutionResult r = executor.execute(function, FunctionExecutor.params(params));
        System.out.println("Execution " + r.id() + " of " + r.functionId() + ": " + r.status()
                + (r.exitCode() >= 0 ? " (exit " + r.exitCode() + ")" : "") + (r.detail().isEmpty() ? "" : " - " + r.detail()));
        if (!r.onDemandLayers().isEmpty()) {
            System.out.println("Fetched on demand: " + r.onDemandLayers().size() + " layer(s)");
        }
        printColdStart(r.coldStart());
        if (!r.stdout().isEmpty()) {
            System.out.println("--- stdout");
            System.out.print(r.stdout().endsWith("\n") ? r.stdout() : r.stdout() + "\n");
        }
        if (!r.stderr().isEmpty()) {
            System.out.println("--- stderr");
            System.out.print(r.stderr().endsWith("\n") ? r.stderr() : r.stderr() + "\n");
        }
        if (r.truncated()) {
            System.out.println("(output truncated at the executor's maxOutputBytes)");
        }
    }

    static void printColdStart(ColdStart c) {
        ShellTable t = new ShellTable();
        t.column("Phase");
        t.column("Time").alignRight();
        t.addRow().addContent("decision", ms(c.decisionMicros()));
        t.addRow().addContent("layer wait (pull, verify, unpack)", ms(c.layerWaitMicros()));
        t.addRow().addContent("mount / swap", ms(c.mountMicros()));
        t.addRow().addContent("process start (to first output)", ms(c.processStartMicros()));
        t.addRow().addContent("execution", ms(c.executionMicros()));
        t.addRow().addContent("to first instruction", ms(c.toFirstInstructionMicros()));
        t.print(System.out);
    }

    static String ms(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }
}
