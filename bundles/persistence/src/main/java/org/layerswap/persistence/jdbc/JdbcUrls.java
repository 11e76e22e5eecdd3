package org.layerswap.persistence.jdbc;

import java.util.regex.Pattern;

/** Keeps passwords out of messages and logs. */
public final class JdbcUrls {

    private static final Pattern INLINE_SECRET = Pattern.compile("(?i)((?:password|pwd|cipher|file_password)\\s*=)[^;&]*");

    private JdbcUrls() {
    }

    /** {@code text} with inline {@code PASSWORD=...} settings and every occurrence of {@code password} masked. */
    public static String redact(String text, String password) {
        if (text == null) {
            return "null";
        }
        String s = INLINE_SECRET.matcher(text).replaceAll("$1***");
        if (password != null && !password.isEmpty()) {
            s = s.replace(password, "***");
        }
        return s;
    }

    /** Rejects anything but an H2 URL, naming it (redacted). */
    public static void checkH2(String url, String password) {
        if (url == null || !url.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
            throw new org.layerswap.persistence.api.PersistenceException("jdbcUrl " + redact(url, password)
                    + " is not an H2 URL: LayerSwap's store needs H2 (jdbc:h2:file:..., jdbc:h2:tcp://..., jdbc:h2:mem:...)");
        }
    }

}
