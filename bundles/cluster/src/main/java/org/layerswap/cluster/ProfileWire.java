package org.layerswap.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.api.InvocationEvent;
import org.layerswap.api.NextUse;
import org.layerswap.api.ProfilePartitioning.FunctionEstimate;

/**
 * How the partitioned profiler's values look inside Hazelcast: JDK types only ({@code String}, {@code String[]}), so
 * no member ever has to load a class of ours whatever bundle's class loader Hazelcast uses.
 * <ul>
 * <li>an event in the inbox: key {@code "<uuid>@<functionId>"} (the part after the first {@code @} is the partition
 * key, so the entry lives in the function's partition), value {@code [timestamp, tenant, k1, v1, k2, v2, ...]} for one
 * event, {@link #encodeEvents} for several events of the function (one batch's);</li>
 * <li>an estimate: {@code "owner invocations probability earliest median overdue asOf"} ({@code -} for an unknown next
 * use), one line of decimal text.</li>
 * </ul>
 * Malformed values are refused with the key they came from.
 */
public final class ProfileWire {

    /** First element of an inbox value holding several events. */
    static final String EVENTS = "events";

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

    /**
     * One inbox value for several events of the key's function (a batch's, in their order):
     * {@code ["events", timestamp, tenant, n, k1, v1, ..., kn, vn, timestamp, tenant, ...]}.
     */
    public static String[] encodeEvents(List<InvocationEvent> events) {
        List<String> out = new ArrayList<>(1 + events.size() * 3);
        out.add(EVENTS);
        for (InvocationEvent e : events) {
            out.add(Long.toString(e.timestampMillis()));
            out.add(e.tenant());
            out.add(Integer.toString(e.params().size()));
            for (Map.Entry<String, String> p : e.params().entrySet()) {
                out.add(p.getKey());
                out.add(p.getValue());
            }
        }
        return out.toArray(new String[0]);
    }

    /** The events of an inbox value, either form ({@link #encodeEvent}, {@link #encodeEvents}). */
    public static List<InvocationEvent> decodeEvents(String key, String[] v) {
        if (v == null || v.length == 0 || !EVENTS.equals(v[0])) {
            return List.of(decodeEvent(key, v));
        }
        String function = functionOf(key);
        List<InvocationEvent> out = new ArrayList<>();
        try {
            for (int i = 1; i < v.length; ) {
                int n = i + 3 <= v.length ? Integer.parseInt(v[i + 2]) : -1;
                if (n < 0 || i + 3 + 2 * n > v.length) {
                    throw new IllegalArgumentException("profile inbox entry " + key + " is malformed at element " + i
                            + ": " + Arrays.toString(v));
                }
                Map<String, String> params = new LinkedHashMap<>();
                for (int k = i + 3; k < i + 3 + 2 * n; k += 2) {
                    params.put(v[k], v[k + 1]);
                }
                out.add(new InvocationEvent(function, Long.parseLong(v[i]), params, v[i + 1]));
                i += 3 + 2 * n;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("profile inbox entry " + key + " has a bad number: " + Arrays.toString(v), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("profile inbox entry " + key + " holds no event");
        }
        return out;
    }

    /** The timestamp of the (first) event of an inbox value; {@code Long.MAX_VALUE} when unreadable. */
    public static long firstTimestamp(String[] v) {
        int at = v != null && v.length > 0 && EVENTS.equals(v[0]) ? 1 : 0;
        try {
            return v != null && v.length > at ? Long.parseLong(v[at]) : Long.MAX_VALUE;
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
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
