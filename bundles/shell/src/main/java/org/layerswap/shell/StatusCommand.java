package org.layerswap.shell;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.layerswap.api.Contracts;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Which LayerSwap bundles run and which pipeline services are registered. */
@Command(scope = "layerswap", name = "status", description = "Shows LayerSwap bundles and the services they provide")
@Service
public class StatusCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Option(name = "--bundles-only", description = "Only list bundles")
    boolean bundlesOnly;

    @Override
    public Object execute() throws InvalidSyntaxException {
        List<Bundle> bundles = Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(Contracts.BUNDLE_PREFIX))
                .sorted(Comparator.comparing(Bundle::getSymbolicName))
                .toList();
        ShellTable bundleTable = new ShellTable();
        bundleTable.column("ID").alignRight();
        bundleTable.column("Bundle");
        bundleTable.column("Version");
        bundleTable.column("State");
        for (Bundle b : bundles) {
            bundleTable.addRow().addContent(b.getBundleId(), b.getSymbolicName(), b.getVersion(), BundleStates.name(b.getState()));
        }
        System.out.println("LayerSwap bundles (" + bundles.size() + ", "
                + bundles.stream().filter(b -> b.getState() == Bundle.ACTIVE).count() + " active)");
        bundleTable.print(System.out);
        if (bundlesOnly) {
            return null;
        }

        ShellTable serviceTable = new ShellTable();
        serviceTable.column("Service");
        serviceTable.column("Name");
        serviceTable.column("Ranking").alignRight();
        serviceTable.column("Bundle");
        for (Class<?> contract : Contracts.SERVICES) {
            ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(contract.getName(), null);
            if (refs == null) {
                serviceTable.addRow().addContent(contract.getSimpleName(), "-", "", "(none registered)");
                continue;
            }
            Arrays.sort(refs, Comparator.reverseOrder()); // highest ranking first
            for (ServiceReference<?> ref : refs) {
                Object name = ref.getProperty("name");
                Object ranking = ref.getProperty("service.ranking");
                serviceTable.addRow().addContent(contract.getSimpleName(),
                        name == null ? "-" : name,
                        ranking == null ? 0 : ranking,
                        ref.getBundle().getSymbolicName());
            }
        }
        System.out.println();
        System.out.println("Services");
        serviceTable.print(System.out);
        return null;
    }
}
