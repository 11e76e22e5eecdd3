package org.layerswap.nextuse;

/**
 * The arithmetic of {@link NextUseModel}'s last-gap split: a function's gaps are split by the gap before them (above
 * the split or not), and the two samples are compared with a two-sided Mann-Whitney rank test at the 5 % level
 * (normal approximation, ties counting one half). A sample is a bit mask over the positions of the function's sorted
 * gaps (at most {@value NextUseModel#GAPS}, so 32 bits); {@link #addBit} and {@link #dropBit} keep such a mask in
 * step with a sorted insert or remove at a position. Pure, static.
 */
final class LastGapSplit {

    /** Fewest gaps on each side before the last gap is read as telling something. */
    static final int MIN_SIDE = 4;
    /** New gaps after which the split and its test are made again (a quarter of the window). */
    static final int RETEST = NextUseModel.GAPS / 4;
    /** The 32 bits of a mask over a function's sorted gaps. */
    static final long MASK = 0xFFFF_FFFFL;
    private static final double Z_5_PERCENT = 1.959964;

    private LastGapSplit() {
    }

    /** Whether samples {@code a[0, k)} and {@code b[0, o)} differ: |U - ko/2| &gt; 1.96 sd, U counting ties 1/2. */
    static boolean differ(long[] a, int k, long[] b, int o) {
        int twiceU = 0;
        for (int i = 0; i < k; i++) {
            long v = a[i];
            for (int j = 0; j < o; j++) {
                twiceU += (v > b[j] ? 2 : 0) + (v == b[j] ? 1 : 0);
            }
        }
        double sd = Math.sqrt(k * (double) o * (k + o + 1) / 12);
        return Math.abs(twiceU - k * (double) o) / 2 > Z_5_PERCENT * sd;
    }

    /** The known gaps that followed a gap above the split ({@code side}) or not; 0 when under {@value #MIN_SIDE}. */
    static long sample(long above, long known, boolean side) {
        long pick = (side ? above : ~above) & known & MASK;
        return Long.bitCount(pick) >= MIN_SIDE ? pick : 0;
    }

    /** {@code mask} with {@code bit} inserted at position {@code p} (the bits from {@code p} up move up one). */
    static long addBit(long mask, int p, boolean bit) {
        long low = mask & ((1L << p) - 1);
        return low | (mask ^ low) << 1 | (bit ? 1L << p : 0);
    }

    /** {@code mask} without its bit at position {@code p} (the bits above move down one). */
    static long dropBit(long mask, int p) {
        return mask & ((1L << p) - 1) | (mask >>> (p + 1)) << p;
    }
}
