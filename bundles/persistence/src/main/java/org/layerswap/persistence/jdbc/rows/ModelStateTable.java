package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.LongSupplier;

import org.layerswap.persistence.api.Tables;

/** {@code model_state}: opaque bytes by key (a save replaces the stored value); {@code updated_ts} from the injected clock. */
public final class ModelStateTable extends AbstractRowBinding<ModelStateTable.Entry> {

    /** One stored state. The array is the caller's/the driver's, not copied (records compare arrays by identity). */
    public record Entry(String key, byte[] value) {
    }

    private final LongSupplier clock;

    public ModelStateTable(LongSupplier clock) {
        super(Tables.MODEL_STATE,
                List.of("state_key", "state_value", "updated_ts"),
                List.of("state_key", "state_value"),
                List.of("state_key"));
        this.clock = clock;
    }

    @Override
    public void bind(PreparedStatement ps, Entry e) throws SQLException {
        ps.setString(1, e.key());
        ps.setBytes(2, e.value());
        ps.setLong(3, clock.getAsLong());
    }

    @Override
    public Entry map(ResultSet rs) throws SQLException {
        return new Entry(rs.getString(1), rs.getBytes(2));
    }
}
