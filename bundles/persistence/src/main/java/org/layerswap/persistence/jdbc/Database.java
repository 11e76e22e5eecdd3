package org.layerswap.persistence.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.h2.jdbcx.JdbcConnectionPool;
import org.layerswap.persistence.api.PersistenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open, migrated H2 database: its connection pool, its schema version, and synchronous statements
 * whose failures become {@link PersistenceException}s naming the redacted URL. Invariant: no message or
 * log line built here contains the password.
 */
final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** Sets a statement's parameters. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Maps the row at a result's cursor. */
    @FunctionalInterface
    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final JdbcConnectionPool pool;
    private final String safeUrl;
    private final String password;
    private final int schemaVersion;

    private Database(JdbcConnectionPool pool, String safeUrl, String password, int schemaVersion) {
        this.pool = pool;
        this.safeUrl = safeUrl;
        this.password = password;
        this.schemaVersion = schemaVersion;
    }

    /**
     * Opens (creating if needed) and migrates the database.
     *
     * @throws PersistenceException naming the redacted URL when it cannot be opened or migrated
     */
    static Database open(PersistenceSettings settings) {
        String safe = settings.safeUrl();
        JdbcUrls.checkH2(settings.jdbcUrl(), settings.password());
        JdbcConnectionPool pool;
        try {
            pool = JdbcConnectionPool.create(settings.jdbcUrl(), settings.user(), settings.password());
            pool.setMaxConnections(8);
        } catch (RuntimeException e) {
            throw new PersistenceException("cannot open database " + safe + ": " + JdbcUrls.redact(e.getMessage(), settings.password()));
        }
        try (Connection c = pool.getConnection()) {
            int applied = Migrator.bundled().migrate(c, safe);
            int version = Migrator.currentVersion(c);
            LOG.info("Database {} open at schema version {} ({} migration(s) applied)", safe, version, applied);
            return new Database(pool, safe, settings.password(), version);
        } catch (SQLException e) {
            pool.dispose();
            throw new PersistenceException("cannot open database " + safe + " as user '" + settings.user() + "': "
                    + JdbcUrls.redact(e.getMessage(), settings.password()));
        } catch (RuntimeException e) {
            pool.dispose();
            throw e instanceof PersistenceException pe ? pe
                    : new PersistenceException("cannot open database " + safe + ": " + JdbcUrls.redact(e.toString(), settings.password()));
        }
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    int schemaVersion() {
        return schemaVersion;
    }

    /** The URL with any password masked. */
    String safeUrl() {
        return safeUrl;
    }

    /** {@code message} with the password (and inline secrets) masked. */
    String redact(String message) {
        return JdbcUrls.redact(message, password);
    }

    /** "cannot {what} on {url}: {reason}", redacted. */
    PersistenceException failure(String what, SQLException e) {
        return new PersistenceException(redact("cannot " + what + " on " + safeUrl + ": " + e.getMessage()));
    }

    /** Runs a query on a pooled connection; a failure names the statement. */
    <T> List<T> query(String sql, Binder binder, Mapper<T> mapper) {
        return query("query (" + sql + ")", sql, binder, mapper);
    }

    /** Runs a query on a pooled connection; a failure reads "cannot {what} on {url}: ...". */
    <T> List<T> query(String what, String sql, Binder binder, Mapper<T> mapper) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** Runs one update in auto-commit mode (committed on return); returns the rows changed. */
    int update(String what, String sql, Binder binder) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** Closes every pooled connection (H2 closes the file with the last one). */
    @Override
    public void close() {
        pool.dispose();
    }
}
