package org.layerswap.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.ApplianceStatus;
import org.layerswap.api.BundleInfo;
import org.layerswap.api.Contracts;
import org.layerswap.api.Predictor;
import org.layerswap.api.ServiceInfo;

/** Which LayerSwap bundles run, which pipeline services are registered, and what was taken over at the last start. */
@Command(scope = "layerswap", name = "status", description = "Shows LayerSwap bundles and the services they provide")
@Service
public class StatusCommand extends LayerswapCommand {

    @Reference
    ApplianceControl control;

    @Option(name = "--bundles-only", description = "Only list bundles")
    boolean bundlesOnly;

    @Override
    void run() throws Exception {
        ApplianceStatus status = control.status();
        ShellTable bundles = new ShellTable();
        bundles.column("ID").alignRight();
        bundles.column("Bundle");
        bundles.column("Version");
        bundles.column("State");
        for (BundleInfo b : status.bundles()) {
            bundles.addRow().addContent(b.id(), b.symbolicName(), b.version(), b.state());
        }
        System.out.println("LayerSwap bundles (" + status.bundles().size() + ", " + status.activeBundles() + " active)");
        bundles.print(System.out);
        if (bundlesOnly) {
            return;
        }
        ShellTable services = new ShellTable();
        services.column("Service");
        services.column("Name");
        services.column("Ranking").alignRight();
        services.column("In use");
        services.column("Bundle");
        for (Class<?> contract : Contracts.SERVICES) {
            List<ServiceInfo> registered = status.services().stream().filter(s -> s.contract().equals(contract.getSimpleName())).toList();
            if (registered.isEmpty()) {
                services.addRow().addContent(contract.getSimpleName(), "-", "", "", "(none registered)");
            }
            for (ServiceInfo s : registered) {
                // "in use" is a choice among alternatives only for predictors; the profiler reports it
                String inUse = contract == Predictor.class ? (s.active() ? "yes" : "") : "";
                services.addRow().addContent(s.contract(), s.name().isEmpty() ? "-" : s.name(), s.ranking(), inUse, s.bundle());
            }
        }
        System.out.println();
        System.out.println("Services (" + status.services().size() + " registered)");
        services.print(System.out);
        RestartSection.print(control.restartReport(), System.out);
    }
}
