package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.layerswap.api.ExperimentArm;
import org.layerswap.persistence.api.MetricRow;
import org.layerswap.persistence.api.Tables;

/** {@code metrics}: one sample (the value column is {@code metric_value}; VALUE is reserved). */
public final class MetricsTable extends AbstractRowBinding<MetricRow> {

    public MetricsTable() {
        super(Tables.METRICS,
                List.of("ts", "name", "function_id", "arm", "metric_value"),
                List.of("id", "ts", "name", "function_id", "arm", "metric_value"));
    }

    @Override
    public void bind(PreparedStatement ps, MetricRow r) throws SQLException {
        ps.setLong(1, r.timestampMillis());
        ps.setString(2, r.name());
        ps.setString(3, r.functionId());
        ps.setString(4, r.arm().name());
        ps.setDouble(5, r.value());
    }

    @Override
    public MetricRow map(ResultSet rs) throws SQLException {
        return new MetricRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), ExperimentArm.valueOf(rs.getString(5)),
                rs.getDouble(6));
    }
}
