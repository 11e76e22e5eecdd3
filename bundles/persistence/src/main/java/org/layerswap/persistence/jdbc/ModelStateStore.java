package org.layerswap.persistence.jdbc;

import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.layerswap.api.StateStore;
import org.layerswap.persistence.jdbc.rows.ModelStateTable;

/**
 * {@link StateStore} on the {@code model_state} table: synchronous, a save is committed when it returns
 * (auto-commit MERGE on its own pooled connection, not through the batch writer). Keys are 1..256 characters.
 */
final class ModelStateStore implements StateStore {

    private final Database db;
    private final ModelStateTable table;

    ModelStateStore(Database db, LongSupplier clock) {
        this.db = db;
        this.table = new ModelStateTable(clock);
    }

    @Override
    public void saveState(String key, byte[] value) {
        checkKey(key);
        if (value == null) {
            throw new IllegalArgumentException("null state value for key " + key);
        }
        db.update("save state '" + key + "'", table.writeSql(), ps -> table.bind(ps, new ModelStateTable.Entry(key, value)));
    }

    @Override
    public Optional<byte[]> loadState(String key) {
        checkKey(key);
        return db.query("load state '" + key + "'", table.selectSql() + " WHERE state_key = ?", ps -> ps.setString(1, key), table::map)
                .stream().findFirst().map(ModelStateTable.Entry::value);
    }

    /** Every stored key, sorted. */
    List<String> stateKeys() {
        return db.query("SELECT state_key FROM " + table.table() + " ORDER BY state_key", ps -> { }, rs -> rs.getString(1));
    }

    private static void checkKey(String key) {
        if (key == null || key.isBlank() || key.length() > 256) {
            throw new IllegalArgumentException("state key must be 1..256 characters, was " + (key == null ? "null" : "'" + key + "'"));
        }
    }
}
