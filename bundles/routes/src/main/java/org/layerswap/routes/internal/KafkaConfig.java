package org.layerswap.routes.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The form of {@link org.layerswap.routes.KafkaSettings} (attribute names and defaults equal its components). */
@ObjectClassDefinition(id = "org.layerswap.routes.kafka", name = "LayerSwap Kafka ingest route",
        description = "Optional Camel route consuming invocation events from a Kafka topic (feature layerswap-kafka)")
public @interface KafkaConfig {

    @AttributeDefinition(description = "Consume the topic; false (the default) creates no consumer")
    boolean enabled() default false;

    @AttributeDefinition(description = "Bootstrap servers, host:port[,host:port...]")
    String brokers() default "127.0.0.1:9092";

    @AttributeDefinition(description = "Topic of invocation records: one JSON event per record, keyed by function id")
    String topic() default "layerswap-invocations";

    @AttributeDefinition(description = "Consumer group; a restarted route resumes from its committed offsets")
    String groupId() default "layerswap";

    @AttributeDefinition(description = "Where a group without committed offsets starts: earliest or latest")
    String autoOffsetReset() default "earliest";

    @AttributeDefinition(description = "Most records per poll; offsets are committed once per partition and poll, "
            + "after the poll's events are committed")
    int maxPollRecords() default 500;

    @AttributeDefinition(description = "Milliseconds one poll waits for records")
    long pollTimeoutMillis() default 1000;

    @AttributeDefinition(description = "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
    String securityProtocol() default "PLAINTEXT";

    @AttributeDefinition(description = "SASL mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, ...); empty: the client's default")
    String saslMechanism() default "";

    @AttributeDefinition(description = "The client's sasl.jaas.config; empty: none", type = AttributeType.PASSWORD)
    String saslJaasConfig() default "";

    @AttributeDefinition(description = "Trust store of the brokers' certificates (SSL, SASL_SSL); empty: the JVM's")
    String sslTruststoreLocation() default "";

    @AttributeDefinition(description = "Password of the trust store; empty: none", type = AttributeType.PASSWORD)
    String sslTruststorePassword() default "";
}
