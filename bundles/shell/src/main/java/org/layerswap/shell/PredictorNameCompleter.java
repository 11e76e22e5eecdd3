package org.layerswap.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.ServiceInfo;

/** Completes the names of installed predictors. */
@Service
public class PredictorNameCompleter implements Completer {

    @Reference
    ApplianceControl control;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        control.predictors().stream().map(ServiceInfo::name).filter(n -> !n.isEmpty()).forEach(names.getStrings()::add);
        return names.complete(session, commandLine, candidates);
    }
}
