package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.layerswap.api.FetchBudgetStatus;

class PrefetchesCommandTest {

    @Test
    void theBudgetLineSaysOffWhenThereIsNoBudget() {
        assertEquals("Bandwidth budget: off", PrefetchesCommand.budgetLine(FetchBudgetStatus.NONE));
        assertEquals("Bandwidth budget: off", PrefetchesCommand.budgetLine(new FetchBudgetStatus(1.2, 0, 0)));
    }

    @Test
    void theBudgetLineShowsTheRatioAndWhetherBytesArePriced() {
        assertEquals("Bandwidth budget 1.50x LRU's bytes: no invocation seen yet; no byte price (the plain eviction order)",
                PrefetchesCommand.budgetLine(new FetchBudgetStatus(Double.NaN, 1.5, 0)));
        assertEquals("Bandwidth budget 1.50x LRU's bytes: fetched 1.07x the bytes a plain LRU cache would have, recently; "
                + "no byte price (the plain eviction order)", PrefetchesCommand.budgetLine(new FetchBudgetStatus(1.07, 1.5, 0)));
        assertEquals("Bandwidth budget 1.50x LRU's bytes: fetched 1.83x the bytes a plain LRU cache would have, recently; "
                + "a fetched byte costs 2.50e-09 misses in the eviction order",
                PrefetchesCommand.budgetLine(new FetchBudgetStatus(1.83, 1.5, 2.5e-9)));
    }

    @Test
    void theBudgetLineSaysWhenThePeriodsTotalLetsTheBudgetLend() {
        assertEquals("Bandwidth budget 1.50x LRU's bytes: fetched 1.83x the bytes a plain LRU cache would have, recently "
                + "(1.10x since the planner started: the budget lends); no byte price (the plain eviction order)",
                PrefetchesCommand.budgetLine(new FetchBudgetStatus(1.83, 1.5, 0, 1.10)));
        assertEquals("Bandwidth budget 1.50x LRU's bytes: fetched 1.83x the bytes a plain LRU cache would have, recently "
                + "(1.31x since the planner started); a fetched byte costs 2.50e-09 misses in the eviction order",
                PrefetchesCommand.budgetLine(new FetchBudgetStatus(1.83, 1.5, 2.5e-9, 1.31)));
    }
}
