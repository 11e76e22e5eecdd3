package org.layerswap.persistence.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.layerswap.persistence.api.Tables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trims the time-series tables ({@link Tables#TIME_SERIES}) by age and by row count, in deletes of at most
 * 50 000 rows each (by default) (auto-commit, so a large purge never holds one huge transaction). Experiments, state
 * and the function catalog are never touched.
 */
final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final int DELETE_CHUNK = 50_000;

    private final Database db;
    private final int retentionDays;
    private final long retentionMaxRows;
    private final int deleteChunk;

    /** {@code retentionDays} / {@code retentionMaxRows} 0 disable that limit. */
    Retention(Database db, int retentionDays, long retentionMaxRows) {
        this(db, retentionDays, retentionMaxRows, DELETE_CHUNK);
    }

    /** With the most rows one DELETE removes (tests use small chunks). */
    Retention(Database db, int retentionDays, long retentionMaxRows, int deleteChunk) {
        if (deleteChunk < 1) {
            throw new IllegalArgumentException("deleteChunk must be >= 1, was " + deleteChunk);
        }
        this.db = db;
        this.retentionDays = retentionDays;
        this.retentionMaxRows = retentionMaxRows;
        this.deleteChunk = deleteChunk;
    }

    /** Deletes time-series rows with {@code ts < cutoffMillis}; returns rows deleted. */
    long purgeOlderThan(long cutoffMillis) {
        long total = 0;
        for (String t : Tables.TIME_SERIES) {
            total += deleteChunked("DELETE FROM " + t + " WHERE ts < ? FETCH FIRST " + deleteChunk + " ROWS ONLY", cutoffMillis);
        }
        return total;
    }

    /**
     * Applies the age limit (relative to {@code nowMillis}) and then the row limit, which keeps the most
     * recently written rows (highest ids) of each table; returns rows deleted.
     */
    long apply(long nowMillis) {
        long deleted = 0;
        if (retentionDays > 0) {
            deleted += purgeOlderThan(nowMillis - TimeUnit.DAYS.toMillis(retentionDays));
        }
        if (retentionMaxRows > 0) {
            for (String t : Tables.TIME_SERIES) {
                List<Long> cut = db.query("SELECT id FROM " + t + " ORDER BY id DESC OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY",
                        ps -> ps.setLong(1, retentionMaxRows), rs -> rs.getLong(1));
                if (!cut.isEmpty()) {
                    deleted += deleteChunked("DELETE FROM " + t + " WHERE id <= ? FETCH FIRST " + deleteChunk + " ROWS ONLY", cut.get(0));
                }
            }
        }
        if (deleted > 0) {
            LOG.info("Retention removed {} row(s) from {}", deleted, db.safeUrl());
        }
        return deleted;
    }

    private long deleteChunked(String sql, long bound) {
        long total = 0;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int n;
            do {
                ps.setLong(1, bound);
                n = ps.executeUpdate();
                total += n;
            } while (n == deleteChunk);
            return total;
        } catch (SQLException e) {
            throw db.failure("purge (" + sql + ")", e);
        }
    }
}
