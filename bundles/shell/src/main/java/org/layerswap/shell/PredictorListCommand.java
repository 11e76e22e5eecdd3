package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.ServiceInfo;

@Command(scope = "layerswap", name = "predictor-list", description = "Lists the installed predictors and which one is in use")
@Service
public class PredictorListCommand implements Action {

    @Reference
    ApplianceControl control;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Ranking").alignRight();
        table.column("Active");
        table.column("Bundle");
        for (ServiceInfo p : control.predictors()) {
            table.addRow().addContent(p.name(), p.ranking(), p.active() ? "*" : "", p.bundle());
        }
        String configured = control.configuredPredictor();
        System.out.println("Configured: " + (configured.isEmpty() ? "(none: highest ranking wins)" : configured));
        table.print(System.out);
        return null;
    }
}
