package org.layerswap.webconsole;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.api.ColdStart;
import org.layerswap.api.ExecutionResult;
import org.layerswap.api.FunctionExecutor;

/** JSON shapes of the function executor: recent executions with their cold-start breakdown, and one invocation. */
final class ExecutionView {

    private ExecutionView() {
    }

    static Map<String, Object> executions(FunctionExecutor executor, int limit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("available", executor != null && executor.isAvailable());
        out.put("executor", executor == null ? null : executor.name());
        out.put("unavailableReason", executor == null ? "no function executor is running (feature layerswap-executor)"
                : executor.unavailableReason());
        List<Object> recent = new ArrayList<>();
        if (executor != null) {
            for (ExecutionResult r : executor.recentExecutions(limit)) {
                recent.add(result(r, false));
            }
        }
        out.put("recent", recent);
        return out;
    }

    static Map<String, Object> result(ExecutionResult r, boolean withOutput) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("function", r.functionId());
        m.put("params", r.params());
        m.put("startedMillis", r.startedMillis());
        m.put("status", r.status().name());
        m.put("exitCode", r.exitCode());
        m.put("onDemandLayers", r.onDemandLayers().size());
        m.put("generation", r.generation());
        m.put("arm", r.arm().name());
        m.put("detail", r.detail());
        ColdStart c = r.coldStart();
        Map<String, Object> cs = new LinkedHashMap<>();
        cs.put("decisionMicros", c.decisionMicros());
        cs.put("layerWaitMicros", c.layerWaitMicros());
        cs.put("mountMicros", c.mountMicros());
        cs.put("processStartMicros", c.processStartMicros());
        cs.put("executionMicros", c.executionMicros());
        cs.put("toFirstInstructionMicros", c.toFirstInstructionMicros());
        m.put("coldStart", cs);
        if (withOutput) {
            m.put("stdout", r.stdout());
            m.put("stderr", r.stderr());
            m.put("truncated", r.truncated());
        }
        return m;
    }
}
