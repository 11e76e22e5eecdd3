package org.layerswap.routes;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Configuration of the optional Kafka ingest route (config PID {@code org.layerswap.routes.kafka}, defaults in
 * {@code etc/org.layerswap.routes.kafka.cfg}). Off by default; the defaults point at a broker on loopback.
 *
 * @param enabled                false: no consumer is created (the default)
 * @param brokers                bootstrap servers, {@code host:port[,host:port...]}
 * @param topic                  the topic of invocation records (one JSON event per record, keyed by function id)
 * @param groupId                the consumer group; its committed offsets are where a restarted route resumes
 * @param autoOffsetReset        where a group without committed offsets starts: {@code earliest} or {@code latest}
 * @param maxPollRecords         most records per poll; the route waits for the commit once per partition and poll
 * @param pollTimeoutMillis      how long one poll waits for records (also bounds how fast the route stops)
 * @param securityProtocol       {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
 * @param saslMechanism          e.g. {@code PLAIN}, {@code SCRAM-SHA-512}; empty: the client's default
 * @param saslJaasConfig         the client's {@code sasl.jaas.config}; empty: none (a secret: never logged)
 * @param sslTruststoreLocation  trust store of the brokers' certificates; empty: the JVM's
 * @param sslTruststorePassword  its password; empty: none (a secret: never logged)
 */
public record KafkaSettings(boolean enabled, String brokers, String topic, String groupId, String autoOffsetReset,
                            int maxPollRecords, long pollTimeoutMillis, String securityProtocol, String saslMechanism,
                            String saslJaasConfig, String sslTruststoreLocation, String sslTruststorePassword) {

    public static final String PID = "org.layerswap.routes.kafka";
    static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** Kafka's own rule for topic names (legal characters, at most 249). */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    private static final Pattern BROKER = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):(\\d{1,5})");
    private static final Pattern MECHANISM = Pattern.compile("[A-Za-z0-9_-]*");

    public static final KafkaSettings DEFAULT = new KafkaSettings(false, "127.0.0.1:9092", "layerswap-invocations",
            "layerswap", "earliest", 500, 1000, "PLAINTEXT", "", "", "", "");

    public KafkaSettings {
        brokers = trim(brokers);
        topic = trim(topic);
        groupId = trim(groupId);
        autoOffsetReset = trim(autoOffsetReset).toLowerCase(Locale.ROOT);
        securityProtocol = trim(securityProtocol).toUpperCase(Locale.ROOT);
        saslMechanism = trim(saslMechanism);
        saslJaasConfig = trim(saslJaasConfig);
        sslTruststoreLocation = trim(sslTruststoreLocation);
        sslTruststorePassword = sslTruststorePassword == null ? "" : sslTruststorePassword;
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("brokers is empty: give host:port[,host:port...]");
        }
        for (String b : brokers.split(",")) {
            var m = BROKER.matcher(b.trim());
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
                throw new IllegalArgumentException("brokers entry '" + b.trim() + "' is not host:port with a port 1-65535");
            }
        }
        if (!TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("topic '" + topic + "' is not a Kafka topic name ([A-Za-z0-9._-], 1-249 characters)");
        }
        if (!GROUP.matcher(groupId).matches()) {
            throw new IllegalArgumentException("groupId '" + groupId + "' must be 1-255 characters of [A-Za-z0-9._-]");
        }
        if (!autoOffsetReset.equals("earliest") && !autoOffsetReset.equals("latest")) {
            throw new IllegalArgumentException("autoOffsetReset '" + autoOffsetReset + "' must be earliest or latest");
        }
        if (maxPollRecords < 1 || maxPollRecords > 100_000) {
            throw new IllegalArgumentException("maxPollRecords " + maxPollRecords + " must be 1-100000");
        }
        if (pollTimeoutMillis < 10 || pollTimeoutMillis > 60_000) {
            throw new IllegalArgumentException("pollTimeoutMillis " + pollTimeoutMillis + " must be 10-60000");
        }
        if (!PROTOCOLS.contains(securityProtocol)) {
            throw new IllegalArgumentException("securityProtocol '" + securityProtocol + "' must be one of " + PROTOCOLS);
        }
        if (!MECHANISM.matcher(saslMechanism).matches()) {
            throw new IllegalArgumentException("saslMechanism '" + saslMechanism + "' must be a mechanism name such as PLAIN");
        }
        boolean sasl = securityProtocol.startsWith("SASL_");
        if (!sasl && (!saslMechanism.isEmpty() || !saslJaasConfig.isEmpty())) {
            throw new IllegalArgumentException("saslMechanism/saslJaasConfig are set but securityProtocol " + securityProtocol
                    + " does not use SASL (SASL_PLAINTEXT or SASL_SSL)");
        }
        if (sslTruststoreLocation.contains(")") || sslTruststorePassword.contains(")") || saslJaasConfig.contains(")")) {
            throw new IllegalArgumentException("the SASL/SSL settings must not contain ')'");
        }
    }

    /** The settings with {@code brokers} and {@code topic} and enabled (tests, and a quick start). */
    public KafkaSettings on(String brokers, String topic) {
        return new KafkaSettings(true, brokers, topic, groupId, autoOffsetReset, maxPollRecords, pollTimeoutMillis,
                securityProtocol, saslMechanism, saslJaasConfig, sslTruststoreLocation, sslTruststorePassword);
    }

    public KafkaSettings withGroup(String group, int maxRecords, long pollMillis) {
        return new KafkaSettings(enabled, brokers, topic, group, autoOffsetReset, maxRecords, pollMillis,
                securityProtocol, saslMechanism, saslJaasConfig, sslTruststoreLocation, sslTruststorePassword);
    }

    /**
     * The camel-kafka consumer endpoint: no auto-commit, manual commits through the bean {@code commitFactory},
     * {@code breakOnFirstError} (a failed record makes the consumer reconnect and read again from the committed
     * offsets), String keys and values. Secrets are passed {@code RAW(...)}, so they are never URI-decoded.
     */
    String endpointUri(String commitFactory) {
        StringBuilder u = new StringBuilder("kafka:").append(topic)
                .append("?brokers=").append(brokers)
                .append("&groupId=").append(groupId)
                .append("&autoOffsetReset=").append(autoOffsetReset)
                .append("&maxPollRecords=").append(maxPollRecords)
                .append("&pollTimeoutMs=").append(pollTimeoutMillis)
                .append("&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true")
                .append("&kafkaManualCommitFactory=#").append(commitFactory)
                .append("&securityProtocol=").append(securityProtocol);
        if (!saslMechanism.isEmpty()) {
            u.append("&saslMechanism=").append(saslMechanism);
        }
        if (!saslJaasConfig.isEmpty()) {
            u.append("&saslJaasConfig=RAW(").append(saslJaasConfig).append(')');
        }
        if (!sslTruststoreLocation.isEmpty()) {
            u.append("&sslTruststoreLocation=RAW(").append(sslTruststoreLocation).append(')');
        }
        if (!sslTruststorePassword.isEmpty()) {
            u.append("&sslTruststorePassword=RAW(").append(sslTruststorePassword).append(')');
        }
        return u.toString();
    }

    /** For logs: everything but the secrets. */
    @Override
    public String toString() {
        return "KafkaSettings[enabled=" + enabled + ", brokers=" + brokers + ", topic=" + topic + ", groupId=" + groupId
                + ", autoOffsetReset=" + autoOffsetReset + ", maxPollRecords=" + maxPollRecords + ", pollTimeoutMillis="
                + pollTimeoutMillis + ", securityProtocol=" + securityProtocol + ", saslMechanism=" + saslMechanism
                + ", saslJaasConfig=" + (saslJaasConfig.isEmpty() ? "" : "***") + ", sslTruststoreLocation="
                + sslTruststoreLocation + ", sslTruststorePassword=" + (sslTruststorePassword.isEmpty() ? "" : "***") + "]";
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
