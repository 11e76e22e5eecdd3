package org.layerswap.swap;

import java.util.Arrays;

/**
 * The layers a victim pass ranked highest, which the victims chained after it at the same instant are picked from
 * ({@link EvictionRanking#bestAfter}); a rank is a layer's key, or its upper bound while it is bounded.
 * <p>
 * Invariant, between {@link #end} and the next {@link #start}: every unpinned resident layer whose rank may exceed
 * {@link #outside} is listed, and so is every layer found pinned since the pass (its pin may go before the next victim).
 * A pass lists its {@code size} highest and {@link #offer}s the rest to {@code outside}; a layer ranked again later is
 * {@link #add}ed when its new rank exceeds {@code outside}. Entries may have left the node or been pinned since: the pick
 * skips them, and drops the ones gone ({@link #drop}). So a listed winner whose key exceeds {@code outside} is the one
 * a sweep over every layer would pick. One thread (the planning's).
 */
final class VictimShortlist {

    private final double[] topRank;
    /** The lowest of {@link #topRank} once it is full, else minus infinity: a rank at most this stays off the list. */
    private double floor;
    private double outside;
    private int[] listed = new int[0];
    private int size;
    /** {@code onList[l] == stamp} iff {@code l} is listed. */
    private long[] onList = new long[0];
    private long stamp;
    private int[] pinned = new int[0];
    private int nPinned;

    /** {@code top}: how many of a pass's highest ranks are listed (at least 1). */
    VictimShortlist(int top) {
        if (top < 1) {
            throw new IllegalArgumentException("a shortlist needs at least one place, got " + top);
        }
        this.topRank = new double[top];
    }

    void resize(int layers) {
        if (layers > onList.length) {
            listed = Arrays.copyOf(listed, layers);
            onList = Arrays.copyOf(onList, layers);
            pinned = Arrays.copyOf(pinned, layers);
        }
    }

    /** A pass begins: the list is built anew from its {@link #offer}s and {@link #pinned}s. */
    void start() {
        size = 0;
        nPinned = 0;
        outside = -1;
        floor = Double.NEGATIVE_INFINITY;
        stamp++;
    }

    /** The pass ranked unpinned {@code l} at {@code rank} (&gt;= 0). */
    void offer(int l, double rank) {
        if (rank <= floor) { // most layers: below the list once it is full
            if (rank > outside) {
                outside = rank;
            }
            return;
        }
        int k = topRank.length;
        if (size == k) {
            outside = Math.max(outside, topRank[k - 1]);
            size--;
        }
        int i = size++;
        for (; i > 0 && topRank[i - 1] < rank; i--) {
            topRank[i] = topRank[i - 1];
            listed[i] = listed[i - 1];
        }
        topRank[i] = rank;
        listed[i] = l;
        if (size == k) {
            floor = topRank[k - 1];
        }
    }

    /** The pass found {@code l} pinned. */
    void pinned(int l) {
        pinned[nPinned++] = l;
    }

    /** The pass ended: its top layers and the pinned ones are the list. */
    void end() {
        for (int i = 0; i < size; i++) {
            onList[listed[i]] = stamp;
        }
        for (int i = 0; i < nPinned; i++) {
            add(pinned[i]);
        }
    }

    /** Lists {@code l} (once): ranked again above {@link #outside}, or pinned since the pass. */
    void add(int l) {
        if (onList[l] != stamp) {
            onList[l] = stamp;
            listed[size++] = l;
        }
    }

    /** The largest rank of an unpinned resident layer the pass left off the list (-1: none). */
    double outside() {
        return outside;
    }

    int size() {
        return size;
    }

    /** The {@code i}-th listed layer; the order changes on {@link #drop}. */
    int get(int i) {
        return listed[i];
    }

    /** Drops the {@code i}-th listed layer (it left the node); the last one takes its place. */
    void drop(int i) {
        onList[listed[i]] = 0;
        listed[i] = listed[--size];
    }
}
