package org.layerswap.replay;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints sizes ({@code 20GB}, {@code 512MiB}), rates ({@code 100MB/s}) and durations ({@code 20ms}, {@code 1h}). */
public final class Units {

    private static final Pattern NUM_UNIT = Pattern.compile("\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*([a-zA-Z/]*)\\s*");

    private Units() {
    }

    public static long bytes(String s) {
        Matcher m = match(s, "size");
        double v = Double.parseDouble(m.group(1));
        String u = m.group(2).toLowerCase(Locale.ROOT);
        double mult = switch (u) {
            case "", "b" -> 1;
            case "k", "kb" -> 1e3;
            case "m", "mb" -> 1e6;
            case "g", "gb" -> 1e9;
            case "t", "tb" -> 1e12;
            case "kib" -> 1024.0;
            case "mib" -> 1024.0 * 1024;
            case "gib" -> 1024.0 * 1024 * 1024;
            case "tib" -> 1024.0 * 1024 * 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown size unit '" + m.group(2) + "' in '" + s
                    + "' (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)");
        };
        return Math.round(v * mult);
    }

    /** Bytes per second from {@code 100MB/s}, {@code 1Gbit/s} or {@code 1Gbps}. */
    public static double bytesPerSecond(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("bit/s") || t.endsWith("bps")) {
            String num = t.endsWith("bit/s") ? t.substring(0, t.length() - 5) : t.substring(0, t.length() - 3);
            return bytes(num.isEmpty() ? "1" : num + (Character.isDigit(num.charAt(num.length() - 1)) ? "" : "b")) / 8.0;
        }
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        }
        return bytes(t);
    }

    public static long millis(String s) {
        Matcher m = match(s, "duration");
        double v = Double.parseDouble(m.group(1));
        String u = m.group(2).toLowerCase(Locale.ROOT);
        double mult = switch (u) {
            case "ms" -> 1;
            case "", "s" -> 1000;
            case "m", "min" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default -> throw new IllegalArgumentException("unknown duration unit '" + m.group(2) + "' in '" + s
                    + "' (use ms, s, m, h, d)");
        };
        return Math.round(v * mult);
    }

    private static Matcher match(String s, String what) {
        Matcher m = NUM_UNIT.matcher(s == null ? "" : s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a " + what + ": '" + s + "'");
        }
        return m;
    }

    public static String gb(double bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / 1e9);
    }
}
