package org.layerswap.persistence.jdbc.rows;

import java.util.List;

/** The table and column lists of a {@link RowBinding}, fixed at construction; subclasses add the binder and mapper. */
abstract class AbstractRowBinding<T> implements RowBinding<T> {

    private final String table;
    private final List<String> writeColumns;
    private final List<String> readColumns;
    private final List<String> mergeKey;

    /** An append-only table (written with INSERT). */
    AbstractRowBinding(String table, List<String> writeColumns, List<String> readColumns) {
        this(table, writeColumns, readColumns, List.of());
    }

    /** A keyed table (written with MERGE ... KEY (mergeKey)) when {@code mergeKey} is not empty. */
    AbstractRowBinding(String table, List<String> writeColumns, List<String> readColumns, List<String> mergeKey) {
        this.table = table;
        this.writeColumns = List.copyOf(writeColumns);
        this.readColumns = List.copyOf(readColumns);
        this.mergeKey = List.copyOf(mergeKey);
    }

    @Override
    public final String table() {
        return table;
    }

    @Override
    public final List<String> writeColumns() {
        return writeColumns;
    }

    @Override
    public final List<String> readColumns() {
        return readColumns;
    }

    @Override
    public final List<String> mergeKey() {
        return mergeKey;
    }
}
