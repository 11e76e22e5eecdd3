package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "layerswap", name = "fs-use", description = "Switches the filesystem backend; running invocations keep their roots until they finish")
@Service
public class FsUseCommand extends ChoiceUseCommand {

    @Argument(index = 0, name = "name", description = "auto or a backend name (see layerswap:fs-list)", required = true)
    @Completion(BackendNameCompleter.class)
    String name;

    public FsUseCommand() {
        super("Filesystem backend", "org.layerswap.fs backend");
    }

    @Override
    String chosen() {
        return name;
    }

    @Override
    void use(String name) {
        control.useBackend(name);
    }
}
