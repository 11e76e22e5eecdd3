package org.layerswap.persistence.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.FunctionDefinition;
import org.layerswap.persistence.api.FunctionCatalog;
import org.layerswap.persistence.jdbc.rows.DataLayerBindingsTable;
import org.layerswap.persistence.jdbc.rows.FunctionCatalogTable;
import org.layerswap.persistence.jdbc.rows.RowBinding;

/**
 * The swap manager's function catalog ({@code function_catalog}, {@code data_layer_bindings}): synchronous
 * MERGEs (committed on return; a re-definition overwrites) and a tolerant load that skips unreadable rows,
 * naming each and why, instead of failing the whole catalog.
 */
final class CatalogStore {

    /** How a skipped row is named: {@code 'fn'} for definitions, {@code 'fn param=value'} for bindings. */
    @FunctionalInterface
    private interface RowLabel {
        String of(ResultSet rs) throws SQLException;
    }

    private final Database db;
    private final FunctionCatalogTable functions;
    private final DataLayerBindingsTable bindings;

    CatalogStore(Database db, LongSupplier clock) {
        this.db = db;
        this.functions = new FunctionCatalogTable(clock);
        this.bindings = new DataLayerBindingsTable(clock);
    }

    void saveFunction(FunctionDefinition d) {
        db.update("save the definition of function '" + d.functionId() + "'", functions.writeSql(), ps -> functions.bind(ps, d));
    }

    void saveDataLayerBinding(DataLayerBinding b) {
        db.update("save the data layer binding " + b.paramName() + "=" + b.paramValue() + " of function '" + b.functionId() + "'",
                bindings.writeSql(), ps -> bindings.bind(ps, b));
    }

    /** Deletes the binding keyed by function, parameter and value; false when there was none. */
    boolean deleteDataLayerBinding(String functionId, String paramName, String paramValue) {
        return db.update("delete the data layer binding " + paramName + "=" + paramValue + " of function '" + functionId + "'",
                "DELETE FROM " + bindings.table() + " WHERE function_id = ? AND param_name = ? AND param_value = ?", ps -> {
                    ps.setString(1, functionId);
                    ps.setString(2, paramName);
                    ps.setString(3, paramValue);
                }) > 0;
    }

    /** Definitions by function id, bindings by function, parameter and value; unreadable rows in {@code skipped}. */
    FunctionCatalog load() {
        List<String> skipped = new ArrayList<>();
        List<FunctionDefinition> fns = readAll(functions, " ORDER BY function_id", rs -> rs.getString(1), skipped);
        List<DataLayerBinding> bs = readAll(bindings, " ORDER BY function_id, param_name, param_value",
                rs -> rs.getString(1) + " " + rs.getString(2) + "=" + rs.getString(3), skipped);
        return new FunctionCatalog(fns, bs, skipped);
    }

    private <T> List<T> readAll(RowBinding<T> table, String orderBy, RowLabel label, List<String> skipped) {
        return db.query("load the function catalog", table.selectSql() + orderBy, ps -> { }, rs -> {
            try {
                return Optional.of(table.map(rs));
            } catch (RuntimeException e) {
                skipped.add(table.table() + " row '" + label.of(rs) + "': " + e.getMessage());
                return Optional.<T>empty();
            }
        }).stream().flatMap(Optional::stream).toList();
    }
}
