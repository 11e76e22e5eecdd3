package org.layerswap.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which member should run function f (issue 15): consistent hashing with bounded loads (Mirrokni, Thorup and
 * Zadimoghaddam, "Consistent Hashing with Bounded Loads", SODA 2018). Every member has {@link #VIRTUAL_NODES} points on a
 * 64-bit ring; the functions, in id order, each take the first member clockwise from their own point whose load is
 * still below the capacity {@code ceil(loadFactor * functions / members)}.
 *
 * <p>Invariants: the answer depends only on the set of members and the set of functions (not on their order, not on
 * time: hashes are SHA-256, the same in every JVM), so every node computes the same placement for the same
 * membership; no member gets more than the capacity; a member joining or leaving moves few functions (those it takes
 * or held, plus the few displaced by the capacity, measured by {@code PlacementRuleTest}).
 */
public final class PlacementRule {

    /** Points per member on the ring: enough to spread 3-16 members within a few percent of even. */
    public static final int VIRTUAL_NODES = 100;

    private final double loadFactor;

    /** @param loadFactor the bound c: no member holds more than {@code ceil(c * average)}; must be > 1 */
    public PlacementRule(double loadFactor) {
        if (!(loadFactor > 1.0) || Double.isInfinite(loadFactor)) {
            throw new IllegalArgumentException("placement load factor must be a number > 1, was " + loadFactor);
        }
        this.loadFactor = loadFactor;
    }

    public double loadFactor() {
        return loadFactor;
    }

    /** Most functions one member holds when {@code functions} are spread over {@code members}. */
    public int capacity(int functions, int members) {
        return members == 0 ? 0 : (int) Math.ceil(loadFactor * functions / members);
    }

    /** The member of {@code functionId} given the other known functions (it is added when absent); null without members. */
    public String place(String functionId, Collection<String> knownFunctions, Collection<String> members) {
        if (functionId == null || functionId.isBlank()) {
            throw new IllegalArgumentException("placement needs a function id");
        }
        TreeSet<String> all = new TreeSet<>(knownFunctions);
        all.add(functionId);
        return assign(all, members).get(functionId);
    }

    /** Every function's member (empty without members), in function id order. */
    public Map<String, String> assign(Collection<String> functions, Collection<String> members) {
        Map<String, String> out = new LinkedHashMap<>();
        if (members.isEmpty()) {
            return out;
        }
        Ring ring = new Ring(List.copyOf(new TreeSet<>(members)));
        TreeSet<String> sorted = new TreeSet<>(functions);
        int cap = capacity(sorted.size(), ring.members.size());
        int[] load = new int[ring.members.size()];
        for (String f : sorted) {
            int i = ring.firstAtOrAfter(hash(f));
            while (true) {
                int m = ring.owner[i];
                if (load[m] < cap) {
                    load[m]++;
                    out.put(f, ring.members.get(m));
                    break;
                }
                i = (i + 1) % ring.points.length; // terminates: total capacity >= functions
            }
        }
        return out;
    }

    /** How many functions each member holds under {@link #assign}. */
    public static Map<String, Integer> loads(Map<String, String> assignment) {
        Map<String, Integer> out = new HashMap<>();
        assignment.values().forEach(m -> out.merge(m, 1, Integer::sum));
        return out;
    }

    /** The ring of a membership: sorted points, each with the index of its member. */
    private static final class Ring {
        final List<String> members;
        final long[] points;
        final int[] owner;

        Ring(List<String> members) {
            this.members = members;
            long[][] raw = new long[members.size() * VIRTUAL_NODES][];
            int k = 0;
            for (int m = 0; m < members.size(); m++) {
                for (int v = 0; v < VIRTUAL_NODES; v++) {
                    raw[k++] = new long[] {hash(members.get(m) + "#" + v), m};
                }
            }
            Arrays.sort(raw, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            points = new long[raw.length];
            owner = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                points[i] = raw[i][0];
                owner[i] = (int) raw[i][1];
            }
        }

        int firstAtOrAfter(long h) {
            int i = Arrays.binarySearch(points, h);
            if (i < 0) {
                i = -i - 1;
            }
            return i == points.length ? 0 : i;
        }
    }

    static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
