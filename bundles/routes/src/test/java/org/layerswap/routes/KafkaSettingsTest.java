package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    private static KafkaSettings with(String brokers, String topic, String group, String reset, int maxPoll,
                                      String protocol, String mechanism, String jaas) {
        return new KafkaSettings(true, brokers, topic, group, reset, maxPoll, 1000, protocol, mechanism, jaas, "", "");
    }

    private static String refusal(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void theDefaultsAreOffAndPointAtALoopbackBroker() {
        assertFalse(KafkaSettings.DEFAULT.enabled());
        assertEquals("127.0.0.1:9092", KafkaSettings.DEFAULT.brokers());
        assertEquals("PLAINTEXT", KafkaSettings.DEFAULT.securityProtocol());
    }

    @Test
    void theEndpointNeverAutoCommitsAndCommitsOnlyThroughTheRoutesFactory() {
        String uri = KafkaSettings.DEFAULT.on("127.0.0.1:9092,[::1]:9093", "inv").endpointUri("commits");
        assertTrue(uri.startsWith("kafka:inv?brokers=127.0.0.1:9092,[::1]:9093&groupId=layerswap&"), uri);
        assertTrue(uri.contains("&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true"), uri);
        assertTrue(uri.contains("&kafkaManualCommitFactory=#commits"), uri);
        assertTrue(uri.contains("&maxPollRecords=500&pollTimeoutMs=1000"), uri);
        assertFalse(uri.contains("sasl"), uri);
    }

    @Test
    void saslSecretsArePassedRawAndNeverPrinted() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p&w=1%\";";
        KafkaSettings s = new KafkaSettings(true, "kafka.internal:9094", "inv", "g", "latest", 10, 500, "sasl_ssl",
                "SCRAM-SHA-512", jaas, "/etc/kafka/trust.p12", "tr&ust");
        String uri = s.endpointUri("c");
        assertTrue(uri.contains("&securityProtocol=SASL_SSL&saslMechanism=SCRAM-SHA-512&saslJaasConfig=RAW(" + jaas + ")"), uri);
        assertTrue(uri.contains("&sslTruststorePassword=RAW(tr&ust)"), uri);
        assertFalse(s.toString().contains("p&w"), s.toString());
        assertFalse(s.toString().contains("tr&ust"), s.toString());
    }

    @Test
    void badValuesAreRefusedNamingTheSetting() {
        assertEquals("brokers is empty: give host:port[,host:port...]",
                refusal(() -> with(" ", "t", "g", "earliest", 1, "PLAINTEXT", "", "")));
        assertEquals("brokers entry 'localhost' is not host:port with a port 1-65535",
                refusal(() -> with("127.0.0.1:9092,localhost", "t", "g", "earliest", 1, "PLAINTEXT", "", "")));
        assertEquals("brokers entry 'h:70000' is not host:port with a port 1-65535",
                refusal(() -> with("h:70000", "t", "g", "earliest", 1, "PLAINTEXT", "", "")));
        assertTrue(refusal(() -> with("h:1", "a?b", "g", "earliest", 1, "PLAINTEXT", "", "")).startsWith("topic 'a?b'"));
        assertTrue(refusal(() -> with("h:1", "t", "g&x=1", "earliest", 1, "PLAINTEXT", "", "")).startsWith("groupId 'g&x=1'"));
        assertEquals("autoOffsetReset 'none' must be earliest or latest",
                refusal(() -> with("h:1", "t", "g", "none", 1, "PLAINTEXT", "", "")));
        assertEquals("maxPollRecords 0 must be 1-100000", refusal(() -> with("h:1", "t", "g", "earliest", 0, "PLAINTEXT", "", "")));
        assertTrue(refusal(() -> with("h:1", "t", "g", "earliest", 1, "TLS", "", "")).startsWith("securityProtocol 'TLS' must be one of"));
        assertTrue(refusal(() -> with("h:1", "t", "g", "earliest", 1, "SSL", "PLAIN", ""))
                .startsWith("saslMechanism/saslJaasConfig are set but securityProtocol SSL does not use SASL"));
        assertEquals("the SASL/SSL settings must not contain ')'",
                refusal(() -> with("h:1", "t", "g", "earliest", 1, "SASL_PLAINTEXT", "PLAIN", "x)")));
        assertEquals("pollTimeoutMillis 5 must be 10-60000", refusal(() -> new KafkaSettings(true, "h:1", "t", "g", "earliest",
                1, 5, "PLAINTEXT", "", "", "", "")));
    }
}
