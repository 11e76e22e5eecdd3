package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.ApplianceControl;

@Command(scope = "layerswap", name = "fs-use", description = "Switches the filesystem backend; running invocations keep their roots until they finish")
@Service
public class FsUseCommand implements Action {

    @Reference
    ApplianceControl control;

    @Argument(index = 0, name = "name", description = "auto or a backend name (see layerswap:fs-list)", required = true)
    @Completion(BackendNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        return Operator.attempt(() -> {
            control.useBackend(name);
            System.out.println("Filesystem backend set to " + name + " (org.layerswap.fs backend=" + name + ")");
        });
    }
}
