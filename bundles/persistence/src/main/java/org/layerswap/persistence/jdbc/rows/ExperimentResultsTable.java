package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.layerswap.persistence.api.ExperimentResultRow;
import org.layerswap.persistence.api.Tables;

/** {@code experiment_results}: one verdict and report of an experiment at a moment. */
public final class ExperimentResultsTable extends AbstractRowBinding<ExperimentResultRow> {

    public ExperimentResultsTable() {
        super(Tables.EXPERIMENT_RESULTS,
                List.of("experiment_id", "ts", "verdict", "report"),
                List.of("id", "experiment_id", "ts", "verdict", "report"));
    }

    @Override
    public void bind(PreparedStatement ps, ExperimentResultRow r) throws SQLException {
        ps.setString(1, r.experimentId());
        ps.setLong(2, r.timestampMillis());
        ps.setString(3, r.verdict());
        ps.setString(4, r.report());
    }

    @Override
    public ExperimentResultRow map(ResultSet rs) throws SQLException {
        return new ExperimentResultRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5));
    }
}
