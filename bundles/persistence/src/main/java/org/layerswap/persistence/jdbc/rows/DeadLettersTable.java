package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.Tables;

/** {@code dead_letters}: source, payload and reason cut to their columns (1024, 8000, 2048 characters). */
public final class DeadLettersTable extends AbstractRowBinding<DeadLetterRow> {

    public DeadLettersTable() {
        super(Tables.DEAD_LETTERS,
                List.of("ts", "source", "line_no", "payload", "reason"),
                List.of("id", "ts", "source", "line_no", "payload", "reason"));
    }

    @Override
    public void bind(PreparedStatement ps, DeadLetterRow r) throws SQLException {
        ps.setLong(1, r.timestampMillis());
        ps.setString(2, Columns.truncate(r.source(), 1024));
        ps.setLong(3, r.lineNo());
        ps.setString(4, Columns.truncate(r.payload(), 8000));
        ps.setString(5, Columns.truncate(r.reason(), 2048));
    }

    @Override
    public DeadLetterRow map(ResultSet rs) throws SQLException {
        return new DeadLetterRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getString(6));
    }
}
