package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.layerswap.api.LayerId;
import org.layerswap.api.PredictionScore;
import org.layerswap.persistence.api.Tables;

/** {@code prediction_snapshots}: one layer's score at a moment. Written only (no query reads it yet). */
public final class PredictionSnapshotsTable extends AbstractRowBinding<PredictionScore> {

    public PredictionSnapshotsTable() {
        super(Tables.PREDICTION_SNAPSHOTS, List.of("ts", "layer_digest", "score"), List.of("layer_digest", "score", "ts"));
    }

    @Override
    public void bind(PreparedStatement ps, PredictionScore s) throws SQLException {
        ps.setLong(1, s.timestampMillis());
        ps.setString(2, s.layerId().digest());
        ps.setDouble(3, s.score());
    }

    @Override
    public PredictionScore map(ResultSet rs) throws SQLException {
        return new PredictionScore(LayerId.of(rs.getString(1)), rs.getDouble(2), rs.getLong(3));
    }
}
