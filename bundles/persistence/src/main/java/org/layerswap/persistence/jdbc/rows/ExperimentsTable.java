package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.layerswap.persistence.api.ExperimentRow;
import org.layerswap.persistence.api.Tables;

/** {@code experiments}: keyed by id, so recording an experiment again updates it in place (MERGE). */
public final class ExperimentsTable extends AbstractRowBinding<ExperimentRow> {

    private static final List<String> COLUMNS = List.of("id", "name", "assignment_mode", "treatment_share", "started_ts",
            "stopped_ts", "status", "settings");

    public ExperimentsTable() {
        super(Tables.EXPERIMENTS, COLUMNS, COLUMNS, List.of("id"));
    }

    @Override
    public void bind(PreparedStatement ps, ExperimentRow r) throws SQLException {
        ps.setString(1, r.id());
        ps.setString(2, r.name());
        ps.setString(3, r.assignmentMode());
        ps.setDouble(4, r.treatmentShare());
        ps.setLong(5, r.startedMillis());
        ps.setLong(6, r.stoppedMillis());
        ps.setString(7, r.status());
        ps.setString(8, r.settings());
    }

    @Override
    public ExperimentRow map(ResultSet rs) throws SQLException {
        return new ExperimentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getLong(5), rs.getLong(6),
                rs.getString(7), rs.getString(8));
    }
}
