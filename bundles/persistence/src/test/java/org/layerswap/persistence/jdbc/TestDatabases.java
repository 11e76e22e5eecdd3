package org.layerswap.persistence.jdbc;

import java.nio.file.Path;

import org.layerswap.persistence.jdbc.rows.RowBinding;

/** Real H2 files for the collaborator tests: a migrated database under a temp dir, rows written synchronously. */
final class TestDatabases {

    private TestDatabases() {
    }

    /** The default file database under {@code dir}, created and migrated. */
    static Database open(Path dir) {
        return Database.open(PersistenceSettings.defaults(dir));
    }

    /** Writes one row through its binding, committed on return (no batch writer involved). */
    static <T> void insert(Database db, RowBinding<T> binding, T row) {
        db.update("insert a test row", binding.writeSql(), ps -> binding.bind(ps, row));
    }
}
