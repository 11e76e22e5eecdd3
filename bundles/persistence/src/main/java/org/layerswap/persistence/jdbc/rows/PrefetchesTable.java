package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.layerswap.persistence.api.PrefetchRow;
import org.layerswap.persistence.api.Tables;

/** {@code prefetches}: {@code used} is NULL while unknown. */
public final class PrefetchesTable extends AbstractRowBinding<PrefetchRow> {

    public PrefetchesTable() {
        super(Tables.PREFETCHES,
                List.of("ts", "function_id", "layer_digest", "bytes", "score", "threshold", "used"),
                List.of("id", "ts", "function_id", "layer_digest", "bytes", "score", "threshold", "used"));
    }

    @Override
    public void bind(PreparedStatement ps, PrefetchRow r) throws SQLException {
        ps.setLong(1, r.timestampMillis());
        ps.setString(2, r.functionId());
        ps.setString(3, r.layerDigest());
        ps.setLong(4, r.bytes());
        ps.setDouble(5, r.score());
        ps.setDouble(6, r.threshold());
        Columns.setBoolean(ps, 7, r.used());
    }

    @Override
    public PrefetchRow map(ResultSet rs) throws SQLException {
        return new PrefetchRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getDouble(6), rs.getDouble(7), Columns.getBoolean(rs, 8));
    }
}
