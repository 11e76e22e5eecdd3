package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.layerswap.api.LayerId;

/**
 * Column conversions shared by the row bindings: SQL NULL for absent values (null boxed numbers and
 * booleans, non-finite doubles) and back, length limits of VARCHAR columns, and layer lists as
 * comma-separated digests.
 */
final class Columns {

    private Columns() {
    }

    static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    static void setBoolean(PreparedStatement ps, int i, Boolean v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BOOLEAN);
        } else {
            ps.setBoolean(i, v);
        }
    }

    /** NaN and infinities are stored as NULL (and read back as NaN by {@link #getDouble}). */
    static void setDouble(PreparedStatement ps, int i, double v) throws SQLException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    static Boolean getBoolean(ResultSet rs, int i) throws SQLException {
        boolean v = rs.getBoolean(i);
        return rs.wasNull() ? null : v;
    }

    static double getDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? Double.NaN : v;
    }

    /** {@code s} cut to the column's {@code max} characters. */
    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    static String joinLayers(List<LayerId> layers) {
        return layers.stream().map(LayerId::digest).collect(Collectors.joining(","));
    }

    static List<LayerId> splitLayers(String s) {
        if (s == null || s.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(s.split(",")).map(LayerId::of).toList();
    }
}
