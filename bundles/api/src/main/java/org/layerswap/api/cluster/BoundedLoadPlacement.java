package org.layerswap.api.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which member runs function f: consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam,
 * "Consistent Hashing with Bounded Loads", SODA 2018). Every member has {@code pointsPerMember} points on a 64-bit
 * ring, the point {@code v} of member {@code m} at {@code hash(m + "#" + v)}; a function takes the first member
 * clockwise from {@code hash(f)} whose load (functions placed on it) is below the capacity
 * {@code ceil(loadFactor * functions / members)}.
 * <ul>
 * <li>{@link #assign}: the functions of a known set, in id order, with the capacity over the whole set: the answer
 * depends only on the two sets (what every node of the live cluster computes alike for the same membership).</li>
 * <li>{@link #sticky}: functions placed one by one as they appear, each keeping its member, the capacity counting the
 * functions placed so far including the new one (the replay's nodes, which never join or leave).</li>
 * </ul>
 * The load counts functions, not invocations.
 *
 * <p>Invariants: the hash is fixed arithmetic (64-bit FNV-1a over the UTF-8 bytes, then MurmurHash3's fmix64), the
 * same in every JVM; ring ties are broken by the member's index in the given list; no member ever holds more than
 * the capacity (a walk always ends: the capacities sum to at least the functions); without a binding capacity a
 * joining member only takes functions and a leaving one only gives its own away ({@code BoundedLoadPlacementTest}
 * measures the few more the capacity moves). Immutable and thread-safe; a {@link Sticky} is not thread-safe.
 */
public final class BoundedLoadPlacement {

    /** Points per member on the ring: enough to spread 3-16 members within a few percent of even. */
    public static final int DEFAULT_POINTS = 128;

    private final List<String> members;
    private final double loadFactor;
    private final long[] points;
    private final int[] owner;

    /** {@link #DEFAULT_POINTS} points per member. */
    public BoundedLoadPlacement(List<String> members, double loadFactor) {
        this(members, DEFAULT_POINTS, loadFactor);
    }

    /**
     * @param members         distinct member names; their order breaks ring ties (give it in a stable order)
     * @param pointsPerMember ring points per member, at least 1
     * @param loadFactor      the bound c >= 1: no member holds more than {@code ceil(c * functions / members)}
     */
    public BoundedLoadPlacement(List<String> members, int pointsPerMember, double loadFactor) {
        if (members.isEmpty() || pointsPerMember < 1 || !(loadFactor >= 1.0) || Double.isInfinite(loadFactor)) {
            throw new IllegalArgumentException("placement needs at least one member, points per member >= 1 and a finite "
                    + "load factor >= 1; got members=" + members.size() + ", pointsPerMember=" + pointsPerMember
                    + ", loadFactor=" + loadFactor);
        }
        if (new HashSet<>(members).size() != members.size()) {
            throw new IllegalArgumentException("placement members must be distinct: " + members);
        }
        this.members = List.copyOf(members);
        this.loadFactor = loadFactor;
        int n = members.size() * pointsPerMember;
        long[] raw = new long[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            raw[i] = hash(members.get(i / pointsPerMember) + "#" + (i % pointsPerMember));
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> raw[a] != raw[b] ? Long.compareUnsigned(raw[a], raw[b]) : Integer.compare(a, b));
        points = new long[n];
        owner = new int[n];
        for (int i = 0; i < n; i++) {
            points[i] = raw[order[i]];
            owner[i] = order[i] / pointsPerMember;
        }
    }

    public List<String> members() {
        return members;
    }

    public double loadFactor() {
        return loadFactor;
    }

    /** Most functions one member may hold when {@code functions} are placed. */
    public int capacity(int functions) {
        return (int) Math.ceil(loadFactor * functions / members.size());
    }

    /** Every function's member, in function id order, the capacity counting all of {@code functions}. */
    public Map<String, String> assign(Collection<String> functions) {
        TreeSet<String> sorted = new TreeSet<>(functions);
        int cap = capacity(sorted.size());
        int[] load = new int[members.size()];
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : sorted) {
            out.put(f, members.get(walk(f, load, cap)));
        }
        return out;
    }

    /** The member of {@code functionId} under {@link #assign} of {@code knownFunctions} plus it. */
    public String place(String functionId, Collection<String> knownFunctions) {
        if (functionId == null || functionId.isBlank()) {
            throw new IllegalArgumentException("placement needs a function id");
        }
        TreeSet<String> all = new TreeSet<>(knownFunctions);
        all.add(functionId);
        return assign(all).get(functionId);
    }

    /** How many functions each member holds in {@code assignment}. */
    public static Map<String, Integer> loads(Map<String, String> assignment) {
        Map<String, Integer> out = new HashMap<>();
        assignment.values().forEach(m -> out.merge(m, 1, Integer::sum));
        return out;
    }

    /** A placement that places functions as they first appear and keeps them where they went. */
    public Sticky sticky() {
        return new Sticky();
    }

    /** Functions placed on first sight, never moved; not thread-safe. */
    public final class Sticky {
        private final int[] load = new int[members.size()];
        private final Map<String, Integer> placed = new HashMap<>();

        private Sticky() {
        }

        /** The index (in {@link #members()}) of the member of {@code functionId}, placing it on first sight. */
        public int indexOf(String functionId) {
            Integer known = placed.get(functionId);
            if (known != null) {
                return known;
            }
            int m = walk(functionId, load, capacity(placed.size() + 1));
            placed.put(functionId, m);
            return m;
        }

        /** Functions placed on member {@code index} so far. */
        public int load(int index) {
            return load[index];
        }

        public int placedFunctions() {
            return placed.size();
        }
    }

    /** The first member clockwise from {@code f}'s point with load below {@code cap}; counts f on it. */
    private int walk(String f, int[] load, long cap) {
        int i = firstPointAtOrAfter(hash(f));
        while (load[owner[i]] >= cap) {
            i = (i + 1) % points.length;
        }
        load[owner[i]]++;
        return owner[i];
    }

    private int firstPointAtOrAfter(long h) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, then MurmurHash3's fmix64 to spread the bits. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
