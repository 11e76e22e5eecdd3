package org.layerswap.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ServiceInfo;

@Command(scope = "layerswap", name = "predictor-list", description = "Lists the installed predictors and which one is in use")
@Service
public class PredictorListCommand extends ChoiceListCommand<ServiceInfo> {

    @Override
    List<ServiceInfo> candidates() {
        return control.predictors();
    }

    @Override
    void columns(ShellTable table) {
        table.column("Name");
        table.column("Ranking").alignRight();
        table.column("Active");
        table.column("Bundle");
    }

    @Override
    Object[] cells(ServiceInfo p) {
        return new Object[] {p.name(), p.ranking(), p.active() ? "*" : "", p.bundle()};
    }

    @Override
    String configured() {
        String configured = control.configuredPredictor();
        return configured.isEmpty() ? "(none: highest ranking wins)" : configured;
    }
}
