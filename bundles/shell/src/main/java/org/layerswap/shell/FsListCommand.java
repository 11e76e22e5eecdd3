package org.layerswap.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.BackendInfo;

@Command(scope = "layerswap", name = "fs-list", description = "Lists the filesystem backends, whether each can run here, and which is configured")
@Service
public class FsListCommand extends ChoiceListCommand<BackendInfo> {

    @Override
    List<BackendInfo> candidates() {
        return control.backends();
    }

    @Override
    void columns(ShellTable table) {
        table.column("Name");
        table.column("Ranking").alignRight();
        table.column("Available");
        table.column("Roots").alignRight();
        table.column("Configured");
        table.column("Why unavailable");
    }

    @Override
    Object[] cells(BackendInfo b) {
        return new Object[] {b.name(), b.ranking(), b.available() ? "yes" : "no", b.composedRoots(),
                b.configured() ? "*" : "", b.unavailableReason()};
    }

    @Override
    String configured() {
        return control.configuredBackend();
    }
}
