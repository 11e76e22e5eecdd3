package org.layerswap.persistence.jdbc;

import java.nio.file.Path;

/**
 * How to open and run the store. {@link #toString()} never shows the password.
 *
 * @param batchSize          most rows per JDBC batch / commit
 * @param flushIntervalMillis longest a queued row waits for its batch to fill before it is committed
 * @param queueCapacity      rows the write queue holds before callers wait
 * @param offerTimeoutMillis how long a caller waits for room before the row is dropped (and counted)
 * @param retentionDays      time-series rows older than this are purged (0 = keep forever)
 * @param retentionMaxRows   each time-series table is trimmed to its newest rows (0 = no limit)
 */
public record PersistenceSettings(String jdbcUrl, String user, String password, int batchSize, long flushIntervalMillis,
                                  int queueCapacity, long offerTimeoutMillis, int retentionDays, long retentionMaxRows) {

    /**
     * {@code WRITE_DELAY=0}: a commit reaches the database file before it returns, so what a flush confirmed survives
     * a kill -9 (H2's default writes committed changes in the background up to 500 ms later; the soak lost acknowledged
     * rows to it). Not an fsync: a power loss can still lose the OS's unwritten pages.
     */
    public static final String DEFAULT_URL_TEMPLATE = "jdbc:h2:file:%s;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";

    public PersistenceSettings {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IllegalArgumentException("jdbcUrl is empty");
        }
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        if (flushIntervalMillis < 0) {
            throw new IllegalArgumentException("flushIntervalMillis must be >= 0, was " + flushIntervalMillis);
        }
        if (queueCapacity < batchSize) {
            throw new IllegalArgumentException("queueCapacity (" + queueCapacity + ") must be >= batchSize (" + batchSize + ")");
        }
        if (offerTimeoutMillis < 0) {
            throw new IllegalArgumentException("offerTimeoutMillis must be >= 0, was " + offerTimeoutMillis);
        }
        if (retentionDays < 0 || retentionMaxRows < 0) {
            throw new IllegalArgumentException("retention limits must be >= 0 (0 disables)");
        }
    }

    /** The default file database {@code <dataDir>/layerswap/layerswap} with default tuning. */
    public static PersistenceSettings defaults(Path dataDir) {
        return forUrl(defaultUrl(dataDir), "sa", "");
    }

    public static String defaultUrl(Path dataDir) {
        return String.format(DEFAULT_URL_TEMPLATE, dataDir.resolve("layerswap").resolve("layerswap").toAbsolutePath()
                .toString().replace('\\', '/'));
    }

    public static PersistenceSettings forUrl(String url, String user, String password) {
        return new PersistenceSettings(url, user, password, 1000, 200, 100_000, 2000, 30, 10_000_000);
    }

    public PersistenceSettings withRetention(int days, long maxRows) {
        return new PersistenceSettings(jdbcUrl, user, password, batchSize, flushIntervalMillis, queueCapacity,
                offerTimeoutMillis, days, maxRows);
    }

    public PersistenceSettings withQueue(int batch, long flushMillis, int capacity, long offerTimeout) {
        return new PersistenceSettings(jdbcUrl, user, password, batch, flushMillis, capacity, offerTimeout,
                retentionDays, retentionMaxRows);
    }

    /** The URL with any inline password replaced by {@code ***}. */
    public String safeUrl() {
        return JdbcUrls.redact(jdbcUrl, password);
    }

    @Override
    public String toString() {
        return "PersistenceSettings[jdbcUrl=" + safeUrl() + ", user=" + user + ", password=" + (password.isEmpty() ? "(none)" : "***")
                + ", batchSize=" + batchSize + ", flushIntervalMillis=" + flushIntervalMillis + ", queueCapacity="
                + queueCapacity + ", offerTimeoutMillis=" + offerTimeoutMillis + ", retentionDays=" + retentionDays
                + ", retentionMaxRows=" + retentionMaxRows + "]";
    }
}
