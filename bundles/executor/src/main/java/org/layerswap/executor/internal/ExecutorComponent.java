package org.layerswap.executor.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.FunctionExecutor;
import org.layerswap.api.SwapManager;
import org.layerswap.executor.BubblewrapSandbox;
import org.layerswap.executor.FunctionRunner;
import org.layerswap.executor.SandboxSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The function executor service (bubblewrap sandboxes); a configuration change restarts it. */
@Component(configurationPid = ExecutorComponent.PID, service = FunctionExecutor.class,
        property = {"name=" + FunctionRunner.NAME})
@Designate(ocd = ExecutorComponent.Config.class)
public class ExecutorComponent implements FunctionExecutor {

    static final String PID = "org.layerswap.executor";

    @ObjectClassDefinition(name = "LayerSwap function executor",
            description = "Runs function entrypoints inside their composed roots, isolated by bubblewrap")
    public @interface Config {
        @AttributeDefinition(description = "The bubblewrap binary (Debian package bubblewrap)")
        String bwrap() default "/usr/bin/bwrap";

        @AttributeDefinition(description = "Give functions no network at all (an empty network namespace)")
        boolean isolateNetwork() default true;

        @AttributeDefinition(description = "Wall-clock limit of one execution in ms; the sandbox is killed after it")
        long timeoutMillis() default 30_000;

        @AttributeDefinition(description = "How long an invocation may wait for missing layers and an execution slot, ms")
        long layerTimeoutMillis() default 120_000;

        @AttributeDefinition(description = "Executions running at once")
        int maxConcurrent() default 8;

        @AttributeDefinition(description = "Bytes of stdout and of stderr kept per execution")
        int maxOutputBytes() default 65536;

        @AttributeDefinition(description = "Executions kept in the history")
        int historySize() default 500;
    }

    @Reference
    SwapManager swapManager;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile FeedbackLoop feedback;

    private BubblewrapSandbox sandbox;
    private FunctionRunner runner;

    @Activate
    void activate(Config c) {
        sandbox = new BubblewrapSandbox(new SandboxSettings(Path.of(c.bwrap()), c.isolateNetwork(), c.timeoutMillis(),
                c.maxOutputBytes()));
        runner = new FunctionRunner(swapManager, () -> feedback, sandbox,
                new FunctionRunner.Limits(c.layerTimeoutMillis(), c.maxConcurrent(), c.historySize()));
    }

    @Deactivate
    void deactivate() {
        sandbox.close();
    }

    @Override
    public String name() {
        return runner.name();
    }

    @Override
    public boolean isAvailable() {
        return runner.isAvailable();
    }

    @Override
    public String unavailableReason() {
        return runner.unavailableReason();
    }

    @Override
    public ExecutionResult execute(String functionId, Map<String, String> inputParams) {
        return runner.execute(functionId, inputParams);
    }

    @Override
    public List<ExecutionResult> recentExecutions(int limit) {
        return runner.recentExecutions(limit);
    }
}
