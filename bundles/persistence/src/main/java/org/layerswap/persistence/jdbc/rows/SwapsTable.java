package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.layerswap.api.SwapMode;
import org.layerswap.api.SwapOutcome;
import org.layerswap.api.SwapRecord;
import org.layerswap.persistence.api.Tables;

/**
 * {@code swaps}: layers as comma-separated digests, detail cut to its 4096-character column. A record's
 * {@link SwapRecord#id()} is the swap manager's {@code swap_id}, not the table's row id.
 */
public final class SwapsTable extends AbstractRowBinding<SwapRecord> {

    public SwapsTable() {
        super(Tables.SWAPS,
                List.of("swap_id", "ts", "function_id", "from_layers", "to_layers", "mode", "outcome", "duration_us", "detail"),
                List.of("swap_id", "function_id", "from_layers", "to_layers", "mode", "outcome", "ts", "duration_us", "detail"));
    }

    @Override
    public void bind(PreparedStatement ps, SwapRecord s) throws SQLException {
        ps.setLong(1, s.id());
        ps.setLong(2, s.startedMillis());
        ps.setString(3, s.functionId());
        ps.setString(4, Columns.joinLayers(s.fromLayers()));
        ps.setString(5, Columns.joinLayers(s.toLayers()));
        ps.setString(6, s.mode().name());
        ps.setString(7, s.outcome().name());
        ps.setLong(8, s.durationMicros());
        ps.setString(9, Columns.truncate(s.detail(), 4096));
    }

    @Override
    public SwapRecord map(ResultSet rs) throws SQLException {
        return new SwapRecord(rs.getLong(1), rs.getString(2), Columns.splitLayers(rs.getString(3)), Columns.splitLayers(rs.getString(4)),
                SwapMode.valueOf(rs.getString(5)), SwapOutcome.valueOf(rs.getString(6)), rs.getLong(7), rs.getLong(8), rs.getString(9));
    }
}
