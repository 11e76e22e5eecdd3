package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.BackendInfo;

@Command(scope = "layerswap", name = "fs-list", description = "Lists the filesystem backends, whether each can run here, and which is configured")
@Service
public class FsListCommand implements Action {

    @Reference
    ApplianceControl control;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Ranking").alignRight();
        table.column("Available");
        table.column("Roots").alignRight();
        table.column("Configured");
        table.column("Why unavailable");
        for (BackendInfo b : control.backends()) {
            table.addRow().addContent(b.name(), b.ranking(), b.available() ? "yes" : "no", b.composedRoots(),
                    b.configured() ? "*" : "", b.unavailableReason());
        }
        System.out.println("Configured: " + control.configuredBackend());
        table.print(System.out);
        return null;
    }
}
