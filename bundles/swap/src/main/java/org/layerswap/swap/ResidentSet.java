package org.layerswap.swap;

import java.util.Arrays;

/**
 * The layers resident on the node as the planning saw them inserted and evicted: a dense set over layer indexes with
 * O(1) add, remove and membership and an array to iterate (the planning's, and the replay's {@code predictive:*} policies'). Invariant: {@code list[0, size)} holds exactly the members,
 * {@code pos} is its inverse ({@code pos[l] == -1} iff {@code l} is not a member). One thread.
 */
public final class ResidentSet {

    private int[] list = new int[0];
    private int[] pos = new int[0];
    private int size;

    public void resize(int layers) {
        if (layers > pos.length) {
            int old = pos.length;
            list = Arrays.copyOf(list, layers);
            pos = Arrays.copyOf(pos, layers);
            Arrays.fill(pos, old, layers, -1);
        }
    }

    /** Position of {@code l} in the iteration order ({@link #get}), -1 when not a member. */
    int indexOf(int l) {
        return pos[l];
    }

    public boolean contains(int l) {
        return pos[l] >= 0;
    }

    public void add(int l) {
        if (pos[l] < 0) {
            pos[l] = size;
            list[size++] = l;
        }
    }

    public void remove(int l) {
        int p = pos[l];
        if (p >= 0) {
            int last = list[--size];
            list[p] = last;
            pos[last] = p;
            pos[l] = -1;
        }
    }

    public int size() {
        return size;
    }

    /** The {@code i}-th member, {@code 0 <= i < size()}; the order changes on {@link #remove}. */
    public int get(int i) {
        return list[i];
    }
}
