package org.layerswap.cluster;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.layerswap.api.InvocationEvent;
import org.layerswap.api.NextUse;
import org.layerswap.api.ProfilePartitioning.FunctionEstimate;

/**
 * How the partitioned profiler's values look inside Hazelcast: JDK types only ({@code String}, {@code String[]}), so
 * no member ever has to load a class of ours whatever bundle's class loader Hazelcast uses.
 * <ul>
 * <li>an event in the inbox: key {@code "<uuid>@<functionId>"} (the part after the first {@code @} is the partition
 * key, so the entry lives in the function's partition), value {@code [timestamp, tenant, k1, v1, k2, v2, ...]};</li>
 * <li>an estimate: {@code "owner invocations probability earliest median overdue asOf"} ({@code -} for an unknown next
 * use), one line of decimal text.</li>
 * </ul>
 * Malformed values are refused with the key they came from.
 */
public final class ProfileWire {

    private ProfileWire() {
    }

    public static String eventKey(String uuid, String functionId) {
        if (uuid.indexOf('@') >= 0) {
            throw new IllegalArgumentException("an inbox key prefix may not contain '@': " + uuid);
        }
        return uuid + "@" + functionId;
    }

    /** The function of an inbox key (everything after the first {@code @}). */
    public static String functionOf(String eventKey) {
        int at = eventKey.indexOf('@');
        if (at < 0 || at == eventKey.length() - 1) {
            throw new IllegalArgumentException("not a profile inbox key (<uuid>@<function>): " + eventKey);
        }
        return eventKey.substring(at + 1);
    }

    public static String[] encodeEvent(InvocationEvent e) {
        String[] out = new String[2 + 2 * e.params().size()];
        out[0] = Long.toString(e.timestampMillis());
        out[1] = e.tenant();
        int i = 2;
        for (Map.Entry<String, String> p : e.params().entrySet()) {
            out[i++] = p.getKey();
            out[i++] = p.getValue();
        }
        return out;
    }

    public static InvocationEvent decodeEvent(String key, String[] v) {
        if (v == null || v.length < 2 || v.length % 2 != 0) {
            throw new IllegalArgumentException("profile inbox entry " + key + " is malformed: " + Arrays.toString(v));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 2; i < v.length; i += 2) {
            params.put(v[i], v[i + 1]);
        }
        try {
            return new InvocationEvent(functionOf(key), Long.parseLong(v[0]), params, v[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("profile inbox entry " + key + " has a bad timestamp: " + v[0], e);
        }
    }

    public static String encodeEstimate(FunctionEstimate e, String ownerUuid) {
        NextUse n = e.nextUse();
        return ownerUuid + " " + e.invocations() + " " + e.probability() + " " + (n == null ? "- - -"
                : n.earliestMillis() + " " + n.medianMillis() + " " + n.overdue()) + " " + e.asOfMillis();
    }

    public static FunctionEstimate decodeEstimate(String functionId, String text) {
        String[] f = text == null ? new String[0] : text.split(" ");
        if (f.length != 7) {
            throw new IllegalArgumentException("published estimate of " + functionId + " is malformed: " + text);
        }
        try {
            NextUse n = "-".equals(f[3]) ? null : new NextUse(Long.parseLong(f[3]), Long.parseLong(f[4]), Boolean.parseBoolean(f[5]));
            return new FunctionEstimate(functionId, f[0], Long.parseLong(f[1]), Double.parseDouble(f[2]), n, Long.parseLong(f[6]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("published estimate of " + functionId + " is malformed: " + text, e);
        }
    }
}
