package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * One table's typed row mapping, kept together: the table, the columns written and read, the write
 * statement, the binder and the mapper. Every table of the schema has exactly one implementation.
 * <p>
 * Invariants: {@link #bind} sets exactly the parameters of {@link #writeSql()}, in {@link #writeColumns()}
 * order; {@link #map} reads the current row of a result whose columns are {@link #readColumns()} in order
 * (as {@link #selectSql()} returns them). Implementations are stateless apart from an injected clock, so
 * one instance serves every thread.
 *
 * @param <T> the row type
 */
public interface RowBinding<T> {

    /** The table, as named in the migrations and {@link org.layerswap.persistence.api.Tables}. */
    String table();

    /** The columns {@link #bind} fills, in parameter order. */
    List<String> writeColumns();

    /** The columns {@link #map} reads, in order. */
    List<String> readColumns();

    /**
     * The key of an upsert: empty (the default) for append-only tables written with {@code INSERT}; the
     * key columns for tables written with {@code MERGE ... KEY (...)} (a row with the same key replaces the
     * stored one).
     */
    default List<String> mergeKey() {
        return List.of();
    }

    /** Sets the parameters of {@link #writeSql()} from {@code row}. */
    void bind(PreparedStatement ps, T row) throws SQLException;

    /** The row at the cursor of a {@link #selectSql()} result. */
    T map(ResultSet rs) throws SQLException;

    /** {@code INSERT INTO t (c1, ...) VALUES (?, ...)}, or {@code MERGE INTO t (c1, ...) KEY (k, ...) VALUES (?, ...)}. */
    default String writeSql() {
        String values = " VALUES (" + String.join(", ", Collections.nCopies(writeColumns().size(), "?")) + ")";
        String columns = table() + " (" + String.join(", ", writeColumns()) + ")";
        return mergeKey().isEmpty() ? "INSERT INTO " + columns + values
                : "MERGE INTO " + columns + " KEY (" + String.join(", ", mergeKey()) + ")" + values;
    }

    /** {@code SELECT <readColumns> FROM <table>}; callers append their WHERE / ORDER BY. */
    default String selectSql() {
        return "SELECT " + String.join(", ", readColumns()) + " FROM " + table();
    }
}
