package org.layerswap.replay.policy;

import java.util.Arrays;

/** Intrusive doubly-linked recency list over dense int ids: head = least recently used. O(1) everything. */
final class LruList {
    private final int[] prev;
    private final int[] next;
    private final boolean[] in;
    private int head = -1;
    private int tail = -1;

    LruList(int n) {
        prev = new int[n];
        next = new int[n];
        in = new boolean[n];
        Arrays.fill(prev, -1);
        Arrays.fill(next, -1);
    }

    boolean contains(int x) {
        return in[x];
    }

    void touch(int x) {
        if (in[x]) {
            remove(x);
        }
        prev[x] = tail;
        next[x] = -1;
        if (tail >= 0) {
            next[tail] = x;
        } else {
            head = x;
        }
        tail = x;
        in[x] = true;
    }

    void remove(int x) {
        if (!in[x]) {
            return;
        }
        int p = prev[x];
        int nx = next[x];
        if (p >= 0) {
            next[p] = nx;
        } else {
            head = nx;
        }
        if (nx >= 0) {
            prev[nx] = p;
        } else {
            tail = p;
        }
        in[x] = false;
        prev[x] = -1;
        next[x] = -1;
    }

    int head() {
        return head;
    }

    int next(int x) {
        return next[x];
    }
}
