package org.layerswap.swap;

/**
 * Victims chained at one instant (a make-room loop): after {@link #chosen} the chain stays open while the only call
 * into the planning is the {@link #evicted} of that victim; the next victim at the same instant may then re-rank only
 * around it ({@link EvictionRanking#bestAfter}). Any other call must {@link #reset} it: whatever else changed (a
 * prediction, a fetch, a run) may move any key. One thread (the planning's).
 */
final class VictimChain {

    private boolean open;
    private boolean evicted;
    private long at;
    private int victim = -1;

    /** Something other than the chosen victim's eviction happened: the next victim needs a full pass. */
    void reset() {
        open = false;
    }

    /** Layer {@code l} left the node: the chain goes on only if it is the victim just chosen, once. */
    void evicted(int l) {
        if (open && l == victim && !evicted) {
            evicted = true;
        } else {
            open = false;
        }
    }

    /** Whether a victim asked at {@code now} may re-rank around {@link #victim} only; closes the chain either way. */
    boolean continuesAt(long now) {
        boolean c = open && evicted && now == at;
        open = false;
        return c;
    }

    /** The victim chosen last (valid when {@link #continuesAt} said yes). */
    int victim() {
        return victim;
    }

    /** Layer {@code v} was chosen as the victim at {@code now}: the chain opens. */
    void chosen(int v, long now) {
        open = true;
        evicted = false;
        at = now;
        victim = v;
    }
}
