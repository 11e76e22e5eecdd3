package org.layerswap.routes;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.layerswap.api.InvocationEvent;

/**
 * The per-event rules at the ingest edge, applied to every source (file, HTTP, in-process) before an event reaches
 * the queue: a function id of at most {@code maxFunctionIdChars} printable characters (no control, no line or
 * paragraph separators, no lone surrogates), a bounded tenant and parameter map, and a timestamp no more than
 * {@code maxFutureSkewMillis} ahead of the injected clock (a far-future time would zero the profiler's co-occurrence
 * model and be persisted). Invariant: {@link #refusal} is null exactly for events the profiler and H2 can take.
 */
public final class EventValidator {

    private final EdgeSettings limits;
    private final Clock clock;

    public EventValidator(EdgeSettings limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Null when {@code e} passes, else the reason it is refused (names the rule and the limit, never the raw value). */
    public String refusal(InvocationEvent e) {
        String id = e.functionId();
        if (id.length() > limits.maxFunctionIdChars()) {
            return "function id of " + id.length() + " characters exceeds " + limits.maxFunctionIdChars();
        }
        int bad = firstUnprintable(id);
        if (bad >= 0) {
            return "function id has a control or unprintable character at index " + bad;
        }
        if (id.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            return "function id is blank";
        }
        String tenant = e.tenant();
        if (tenant != null) {
            if (tenant.length() > limits.maxTenantChars()) {
                return "tenant of " + tenant.length() + " characters exceeds " + limits.maxTenantChars();
            }
            if (firstUnprintable(tenant) >= 0) {
                return "tenant has a control or unprintable character";
            }
        }
        Map<String, String> params = e.params();
        if (params != null) {
            if (params.size() > limits.maxParams()) {
                return params.size() + " parameters exceed " + limits.maxParams();
            }
            for (Map.Entry<String, String> p : params.entrySet()) {
                String k = p.getKey();
                String v = p.getValue();
                if (k == null || k.length() > limits.maxParamChars() || v != null && v.length() > limits.maxParamChars()) {
                    return "a parameter key or value exceeds " + limits.maxParamChars() + " characters";
                }
                if (firstUnprintable(k) >= 0 || v != null && firstUnprintable(v) >= 0) {
                    return "a parameter key or value has a control or unprintable character";
                }
            }
        }
        long now = clock.millis();
        long ahead = e.timestampMillis() - now;
        if (ahead > limits.maxFutureSkewMillis()) {
            return "timestamp " + e.timestampMillis() + " is " + ahead / 1000 + " s ahead of the clock (" + now
                    + "); at most " + limits.maxFutureSkewMillis() / 1000 + " s allowed";
        }
        return null;
    }

    /** Index of the first control, separator-line, unassigned or lone-surrogate code point, or -1. */
    static int firstUnprintable(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (Character.isISOControl(cp) || cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE
                    || !Character.isDefined(cp)) {
                return i;
            }
            int type = Character.getType(cp);
            if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT
                    || type == Character.PRIVATE_USE) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }
}
