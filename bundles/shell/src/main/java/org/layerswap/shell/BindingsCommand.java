package org.layerswap.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.LayerId;

@Command(scope = "layerswap", name = "bindings", description = "Lists the data layer bindings (param=value -> data layers), of every function or of one")
@Service
public class BindingsCommand extends LayerswapCommand {

    @Reference
    ApplianceControl control;

    @Argument(index = 0, name = "function", required = false, description = "Only this function's bindings")
    @Completion(FunctionNameCompleter.class)
    String function;

    @Override
    void run() throws Exception {
        List<DataLayerBinding> bindings = control.dataLayerBindings(function);
        ShellTable table = new ShellTable();
        table.column("Function");
        table.column("Param");
        table.column("Value");
        table.column("Layers");
        table.column("Reference");
        for (DataLayerBinding b : bindings) {
            table.addRow().addContent(b.functionId(), b.paramName(), b.paramValue(),
                    String.join(" ", b.layerIds().stream().map(LayerId::shortForm).toList()), b.reference());
        }
        System.out.println(bindings.size() + " data layer binding(s)" + (function == null || function.isBlank() ? "" : " of " + function));
        table.print(System.out);
    }
}
