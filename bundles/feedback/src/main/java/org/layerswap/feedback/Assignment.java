package org.layerswap.feedback;

import java.nio.charset.StandardCharsets;

import org.layerswap.api.ExperimentArm;

/**
 * Deterministic arm assignment: a 64-bit hash of (experiment salt, function id[, invocation sequence])
 * mapped to [0, 1) and compared with the treatment share. The same inputs always give the same arm, on
 * any node and after a restart; a new experiment (new salt) reshuffles.
 */
public final class Assignment {

    public enum Mode {
        /** Every invocation of a function gets the same arm (no cross-arm interference through shared layers of that function). */
        BY_FUNCTION,
        /** Each invocation is assigned on its own (more units, faster verdicts; functions' layers are shared by both arms). */
        BY_INVOCATION;

        public static Mode parse(String s) {
            String n = s == null ? "" : s.trim().toUpperCase().replace('-', '_');
            for (Mode m : values()) {
                if (m.name().equals(n)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown assignment mode '" + s + "' (want by-function or by-invocation)");
        }
    }

    private Assignment() {
    }

    public static ExperimentArm assign(Mode mode, long salt, double treatmentShare, String functionId, long invocationSeq) {
        return unit(mode, salt, functionId, invocationSeq) < treatmentShare ? ExperimentArm.TREATMENT : ExperimentArm.CONTROL;
    }

    /** The point in [0, 1) the inputs hash to. */
    public static double unit(Mode mode, long salt, String functionId, long invocationSeq) {
        long h = mix(fnv1a(functionId) ^ mix(salt));
        if (mode == Mode.BY_INVOCATION) {
            h = mix(h ^ mix(invocationSeq + 0x632BE59BD9B4E019L));
        }
        return (h >>> 11) * 0x1.0p-53;
    }

    public static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
