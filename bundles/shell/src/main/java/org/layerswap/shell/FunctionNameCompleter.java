package org.layerswap.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.layerswap.api.SwapManager;

/** Completes the functions the swap manager knows. */
@Service
public class FunctionNameCompleter implements Completer {

    @Reference(optional = true)
    SwapManager swapManager;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        if (swapManager != null) {
            names.getStrings().addAll(swapManager.functionLayers().functions());
        }
        return names.complete(session, commandLine, candidates);
    }
}
