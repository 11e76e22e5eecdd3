package org.layerswap.api.config;

import java.util.Locale;

/** Sizes as operators write them in configuration: plain bytes, or a number with a k, m or g suffix (binary units). */
public final class ByteSizes {

    public static final long MB = 1024L * 1024;

    private ByteSizes() {
    }

    /**
     * "64m" = 64 MiB; k, m, g suffixes (any case) or plain bytes.
     *
     * @throws NumberFormatException when {@code v} is not such a size or does not fit in a long
     */
    public static long parse(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> MB;
            case 'g' -> 1024 * MB;
            default -> 1L;
        };
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1).trim();
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (ArithmeticException e) {
            throw new NumberFormatException("size '" + v + "' does not fit in 64 bits");
        }
    }
}
