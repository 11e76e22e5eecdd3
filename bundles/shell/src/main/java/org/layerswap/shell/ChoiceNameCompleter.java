package org.layerswap.shell;

import java.util.List;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.layerswap.api.ApplianceControl;

/** Completes the argument of a {@code -use} command from the names the control service reports now. */
abstract class ChoiceNameCompleter implements Completer {

    @Reference
    ApplianceControl control;

    /** The names an operator may choose (asked at each completion: services come and go). */
    abstract Stream<String> names();

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter completer = new StringsCompleter();
        names().forEach(completer.getStrings()::add);
        return completer.complete(session, commandLine, candidates);
    }
}
