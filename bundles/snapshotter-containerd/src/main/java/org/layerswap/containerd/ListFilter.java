package org.layerswap.containerd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of containerd's filter syntax the snapshots List request uses: each filter is a comma-separated
 * conjunction of {@code field==value}, {@code field!=value} or a bare {@code field} (present and non-empty);
 * several filters match when any does; none match everything. Fields: {@code name}, {@code parent},
 * {@code kind} (view, active, committed; any case), {@code labels.<key>} or {@code labels."<key>"}. Values may
 * be double-quoted. containerd's regular-expression operator {@code ~=} is refused with INVALID_ARGUMENT, as is
 * anything else that does not parse.
 */
final class ListFilter {

    private static final Pattern TERM = Pattern.compile(
            "\\s*(name|parent|kind|labels\\.(?:\"[^\"]+\"|[^=!~,\\s]+))\\s*(?:(==|!=)\\s*(\"[^\"]*\"|[^,]*?))?\\s*");

    private ListFilter() {
    }

    static Predicate<SnapshotInfo> parse(List<String> filters) throws SnapshotException {
        if (filters.isEmpty()) {
            return s -> true;
        }
        Predicate<SnapshotInfo> any = s -> false;
        for (String f : filters) {
            any = any.or(conjunction(f));
        }
        return any;
    }

    private static Predicate<SnapshotInfo> conjunction(String filter) throws SnapshotException {
        Predicate<SnapshotInfo> all = s -> true;
        for (String term : splitOutsideQuotes(filter)) {
            Matcher m = TERM.matcher(term);
            if (!m.matches()) {
                throw SnapshotException.invalid("unsupported snapshot filter '" + filter + "' (term '" + term.trim()
                        + "'): use name, parent, kind or labels.<key> with == or !=");
            }
            String field = m.group(1);
            String op = m.group(2);
            String value = m.group(3) == null ? null : unquote(m.group(3).trim());
            Predicate<SnapshotInfo> p = op == null ? s -> !valueOf(s, field).isEmpty() : s -> matches(valueOf(s, field), field, value);
            all = all.and("!=".equals(op) ? p.negate() : p);
        }
        return all;
    }

    private static boolean matches(String actual, String field, String wanted) {
        return field.equals("kind") ? actual.equalsIgnoreCase(wanted) : actual.equals(wanted);
    }

    private static String valueOf(SnapshotInfo s, String field) {
        return switch (field) {
            case "name" -> s.name();
            case "parent" -> s.parent();
            case "kind" -> s.kind().name().toLowerCase(Locale.ROOT);
            default -> s.labels().getOrDefault(unquote(field.substring("labels.".length())), "");
        };
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static List<String> splitOutsideQuotes(String s) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }
}
