package org.layerswap.api;

/**
 * The swap manager's bandwidth budget as of its last planning pass (issue 13): the next-use planning keeps the bytes it
 * fetches (on demand and prefetched) within {@code budgetVsLru} times the bytes a plain LRU cache of the store's size
 * would fetch for the same requests, by pricing a fetched byte in its eviction order while it is over.
 *
 * @param ratioToLru  the node's fetched bytes over that LRU reference's, in the budget's window (NaN: nothing asked yet)
 * @param budgetVsLru the budget (0: none)
 * @param bytePrice   the price of a fetched byte in the eviction order, misses per byte (0: none, the plain order)
 */
public record FetchBudgetStatus(double ratioToLru, double budgetVsLru, double bytePrice) {

    /** No budget, nothing measured (a swap manager without next-use planning). */
    public static final FetchBudgetStatus NONE = new FetchBudgetStatus(Double.NaN, 0, 0);
}
