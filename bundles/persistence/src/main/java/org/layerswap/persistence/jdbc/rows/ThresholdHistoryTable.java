package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.layerswap.persistence.api.Tables;
import org.layerswap.persistence.api.ThresholdChangeRow;

/** {@code threshold_history}: an unmeasured objective (NaN) is stored as NULL and read back as NaN. */
public final class ThresholdHistoryTable extends AbstractRowBinding<ThresholdChangeRow> {

    public ThresholdHistoryTable() {
        super(Tables.THRESHOLD_HISTORY,
                List.of("ts", "parameter", "old_value", "new_value", "objective_before", "objective_after", "reason", "evidence"),
                List.of("id", "ts", "parameter", "old_value", "new_value", "objective_before", "objective_after", "reason", "evidence"));
    }

    @Override
    public void bind(PreparedStatement ps, ThresholdChangeRow r) throws SQLException {
        ps.setLong(1, r.timestampMillis());
        ps.setString(2, r.parameter());
        ps.setDouble(3, r.oldValue());
        ps.setDouble(4, r.newValue());
        Columns.setDouble(ps, 5, r.objectiveBefore());
        Columns.setDouble(ps, 6, r.objectiveAfter());
        ps.setString(7, Columns.truncate(r.reason(), 1024));
        ps.setString(8, r.evidence());
    }

    @Override
    public ThresholdChangeRow map(ResultSet rs) throws SQLException {
        return new ThresholdChangeRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getDouble(4), rs.getDouble(5),
                Columns.getDouble(rs, 6), Columns.getDouble(rs, 7), rs.getString(8), rs.getString(9));
    }
}
