package org.layerswap.shell;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ApplianceControl;

/**
 * The shared body of the {@code -list} half of an operator choice among installed services
 * ({@code predictor-list}, {@code fs-list}): the configured choice, then one table row per candidate.
 * Like Karaf's {@code BundlesCommand}, the base holds the reference and the flow, the subclass says
 * what the candidates are and how each fills the columns (Karaf injects {@code @Reference} fields of
 * superclasses too).
 *
 * @param <T> what {@link ApplianceControl} reports per candidate
 */
abstract class ChoiceListCommand<T> extends LayerswapCommand {

    @Reference
    ApplianceControl control;

    /** The candidates, in the order the control service gives them. */
    abstract List<T> candidates();

    /** Adds the table's columns. */
    abstract void columns(ShellTable table);

    /** A candidate's cells, one per column, in column order. */
    abstract Object[] cells(T candidate);

    /** The text after {@code Configured:}. */
    abstract String configured();

    @Override
    void run() throws Exception {
        ShellTable table = new ShellTable();
        columns(table);
        for (T candidate : candidates()) {
            table.addRow().addContent(cells(candidate));
        }
        System.out.println("Configured: " + configured());
        table.print(System.out);
    }
}
