package org.layerswap.shell;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.FetchBudgetStatus;
import org.layerswap.api.PrefetchRecord;
import org.layerswap.api.SwapManager;

@Command(scope = "layerswap", name = "prefetches",
        description = "Shows the prefetch queue: fetches in flight (oldest first), recent prefetches and on-demand fetches "
                + "(newest first), and the bandwidth budget")
@Service
public class PrefetchesCommand extends LayerswapCommand {

    @Reference(optional = true)
    SwapManager swapManager;

    @Option(name = "-n", aliases = "--limit", description = "How many finished fetches to show (1..10000)")
    int limit = 20;

    @Option(name = "--in-flight", description = "Show only the fetches in flight")
    boolean inFlightOnly;

    @Override
    void run() throws Exception {
        Operator.require(swapManager, "swap manager", "layerswap-swap");
        Operator.inRange("--limit", limit, 1, 10_000);
        List<PrefetchRecord> inFlight = swapManager.fetchesInFlight();
        System.out.println(inFlight.size() + " fetch(es) in flight");
        if (!inFlight.isEmpty()) {
            ShellTable table = fetchTable();
            table.column("State");
            table.column("Waited").alignRight();
            table.column("Size").alignRight();
            table.column("Started");
            for (PrefetchRecord r : inFlight) {
                table.addRow().addContent(r.id(), r.layer().digest(), r.functionId(), r.priority(), score(r), r.detail(),
                        millis(r.durationMicros()), Units.bytes(r.bytes()), Instant.ofEpochMilli(r.startedMillis()));
            }
            table.print(System.out);
        }
        if (inFlightOnly) {
            return;
        }
        List<PrefetchRecord> recent = swapManager.prefetchHistory(limit);
        System.out.println(recent.size() + " recent fetch(es), newest first");
        ShellTable table = fetchTable();
        table.column("Outcome");
        table.column("Duration").alignRight();
        table.column("Size").alignRight();
        table.column("Started");
        table.column("Detail");
        for (PrefetchRecord r : recent) {
            table.addRow().addContent(r.id(), r.layer().digest(), r.functionId(), r.priority(), score(r),
                    r.succeeded() ? "SUCCEEDED" : "FAILED", millis(r.durationMicros()), Units.bytes(r.bytes()),
                    Instant.ofEpochMilli(r.startedMillis()), r.detail());
        }
        table.print(System.out);
        System.out.println(budgetLine(swapManager.fetchBudget()));
    }

    /** The bandwidth budget in one line (issue 13, {@code fetchBudgetVsLru} in org.layerswap.swap.cfg). */
    static String budgetLine(FetchBudgetStatus b) {
        if (!(b.budgetVsLru() > 0)) {
            return "Bandwidth budget: off";
        }
        String ratio = Double.isNaN(b.ratioToLru()) ? "no invocation seen yet"
                : String.format(Locale.ROOT, "fetched %.2fx the bytes a plain LRU cache would have, recently", b.ratioToLru())
                + (Double.isNaN(b.periodRatioToLru()) ? ""
                        : String.format(Locale.ROOT, " (%.2fx since the planner started%s)", b.periodRatioToLru(),
                                b.periodRatioToLru() < 1 + (b.budgetVsLru() - 1) / 2 ? ": the budget lends" : ""));
        String price = b.bytePrice() > 0
                ? String.format(Locale.ROOT, "a fetched byte costs %.3g misses in the eviction order", b.bytePrice())
                : "no byte price (the plain eviction order)";
        return String.format(Locale.ROOT, "Bandwidth budget %.2fx LRU's bytes: %s; %s", b.budgetVsLru(), ratio, price);
    }

    /** A table with the columns both fetch lists start with: #, Layer, Function, Priority, Score. */
    private static ShellTable fetchTable() {
        ShellTable table = new ShellTable();
        table.column("#").alignRight();
        table.column("Layer");
        table.column("Function");
        table.column("Priority");
        table.column("Score").alignRight();
        return table;
    }

    /** On-demand fetches carry no score (NaN). */
    private static String score(PrefetchRecord r) {
        return Double.isNaN(r.score()) ? "-" : String.format("%.3f", r.score());
    }

    private static String millis(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }
}
