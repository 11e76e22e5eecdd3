package org.layerswap.routes;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Configuration of the ingestion routes (config PID {@code org.layerswap.routes}).
 *
 * @param dropDir                  drop folder; null disables the file route
 * @param httpPort                 HTTP port on 127.0.0.1; 0 disables the HTTP route
 * @param httpPath                 HTTP path, starting with '/'
 * @param queueSize                capacity of the events queue (producers block when full)
 * @param rescoreIntervalSeconds   period of the rescoring timer; 0 disables it
 * @param retentionIntervalSeconds period of the retention timer; 0 disables it
 * @param commitTimeoutSeconds     how long the end of a file waits for its events to be consumed and committed
 * @param maxPayloadChars          raw line length kept in a dead letter
 */
public record RoutesSettings(Path dropDir, int httpPort, String httpPath, int queueSize, long rescoreIntervalSeconds,
                             long retentionIntervalSeconds, long commitTimeoutSeconds, int maxPayloadChars) {

    /** As configured (unresolved): {@link org.layerswap.api.config.DataPaths} resolves it. */
    public static final String DEFAULT_DROP_DIR = "${karaf.data}/ingest";
    public static final int DEFAULT_HTTP_PORT = 8182;
    public static final String DEFAULT_HTTP_PATH = "/ingest";
    public static final int DEFAULT_QUEUE_SIZE = 10_000;
    public static final long DEFAULT_RESCORE_SECONDS = 30;
    public static final long DEFAULT_RETENTION_SECONDS = 3600;
    public static final long DEFAULT_COMMIT_TIMEOUT_SECONDS = 120;
    public static final int DEFAULT_MAX_PAYLOAD_CHARS = 2000;

    public RoutesSettings {
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort " + httpPort + " is not 0 (disabled) or a port 1-65535");
        }
        if (httpPath == null || httpPath.isBlank()) {
            httpPath = DEFAULT_HTTP_PATH;
        }
        if (!httpPath.startsWith("/") || httpPath.contains("?") || httpPath.contains("{")) {
            throw new IllegalArgumentException("httpPath '" + httpPath + "' must start with '/' and contain no '?' or '{'");
        }
        if (queueSize < 1) {
            throw new IllegalArgumentException("queueSize " + queueSize + " must be at least 1");
        }
        if (rescoreIntervalSeconds < 0 || retentionIntervalSeconds < 0) {
            throw new IllegalArgumentException("timer intervals must be >= 0 (0 disables), got rescore="
                    + rescoreIntervalSeconds + " retention=" + retentionIntervalSeconds);
        }
        if (commitTimeoutSeconds < 1) {
            throw new IllegalArgumentException("commitTimeoutSeconds " + commitTimeoutSeconds + " must be at least 1");
        }
        if (maxPayloadChars < 16) {
            throw new IllegalArgumentException("maxPayloadChars " + maxPayloadChars + " must be at least 16");
        }
    }

    public static RoutesSettings defaults(Path dropDir) {
        return new RoutesSettings(dropDir, DEFAULT_HTTP_PORT, DEFAULT_HTTP_PATH, DEFAULT_QUEUE_SIZE, DEFAULT_RESCORE_SECONDS,
                DEFAULT_RETENTION_SECONDS, DEFAULT_COMMIT_TIMEOUT_SECONDS, DEFAULT_MAX_PAYLOAD_CHARS);
    }

    public RoutesSettings withHttp(int port, String path) {
        return new RoutesSettings(dropDir, port, path, queueSize, rescoreIntervalSeconds, retentionIntervalSeconds,
                commitTimeoutSeconds, maxPayloadChars);
    }

    public RoutesSettings withQueueSize(int size) {
        return new RoutesSettings(dropDir, httpPort, httpPath, size, rescoreIntervalSeconds, retentionIntervalSeconds,
                commitTimeoutSeconds, maxPayloadChars);
    }

    public RoutesSettings withTimers(long rescoreSeconds, long retentionSeconds) {
        return new RoutesSettings(dropDir, httpPort, httpPath, queueSize, rescoreSeconds, retentionSeconds,
                commitTimeoutSeconds, maxPayloadChars);
    }

    /** The values as Camel property placeholders ({@code {{httpPort}}}, ...). */
    Properties placeholders() {
        Properties p = new Properties();
        p.setProperty("httpPort", Integer.toString(httpPort));
        p.setProperty("httpPath", httpPath);
        p.setProperty("queueSize", Integer.toString(queueSize));
        p.setProperty("rescorePeriodMillis", Long.toString(rescoreIntervalSeconds * 1000));
        p.setProperty("retentionPeriodMillis", Long.toString(retentionIntervalSeconds * 1000));
        return p;
    }
}
