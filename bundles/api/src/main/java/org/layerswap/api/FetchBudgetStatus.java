package org.layerswap.api;

/**
 * The swap manager's bandwidth budget as of its last planning pass (issue 13): the next-use planning keeps the bytes it
 * fetches (on demand and prefetched) within {@code budgetVsLru} times the bytes a plain LRU cache of the store's size
 * would fetch for the same requests, by pricing a fetched byte in its eviction order while it is over.
 *
 * The budget binds over an accounting period (since the planner started); while the period's total is well under it,
 * a window over the budget raises no price (the budget lends, see {@code periodRatioToLru}).
 *
 * @param ratioToLru       the node's fetched bytes over that LRU reference's, in the budget's window (NaN: nothing asked
 *                         yet)
 * @param budgetVsLru      the budget (0: none)
 * @param bytePrice        the price of a fetched byte in the eviction order, misses per byte (0: none, the plain order)
 * @param periodRatioToLru the same ratio over the whole accounting period (NaN: nothing asked yet); below
 *                         1 + (budget - 1) / 2 the budget lends (since api 1.10)
 */
public record FetchBudgetStatus(double ratioToLru, double budgetVsLru, double bytePrice, double periodRatioToLru) {

    /** No budget, nothing measured (a swap manager without next-use planning). */
    public static final FetchBudgetStatus NONE = new FetchBudgetStatus(Double.NaN, 0, 0, Double.NaN);

    /** A status without the period's ratio (NaN), as before api 1.10. */
    public FetchBudgetStatus(double ratioToLru, double budgetVsLru, double bytePrice) {
        this(ratioToLru, budgetVsLru, bytePrice, Double.NaN);
    }
}
