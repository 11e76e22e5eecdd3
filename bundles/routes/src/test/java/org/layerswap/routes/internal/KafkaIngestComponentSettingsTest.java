package org.layerswap.routes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;
import org.layerswap.routes.KafkaSettings;

class KafkaIngestComponentSettingsTest {

    private static KafkaConfig cfg(boolean enabled, String brokers, String protocol) {
        return new KafkaConfig() {
            @Override public Class<? extends Annotation> annotationType() { return KafkaConfig.class; }
            @Override public boolean enabled() { return enabled; }
            @Override public String brokers() { return brokers; }
            @Override public String topic() { return " layerswap-invocations "; }
            @Override public String groupId() { return "layerswap"; }
            @Override public String autoOffsetReset() { return "EARLIEST"; }
            @Override public int maxPollRecords() { return 500; }
            @Override public long pollTimeoutMillis() { return 1000; }
            @Override public String securityProtocol() { return protocol; }
            @Override public String saslMechanism() { return ""; }
            @Override public String saslJaasConfig() { return ""; }
            @Override public String sslTruststoreLocation() { return ""; }
            @Override public String sslTruststorePassword() { return ""; }
        };
    }

    @Test
    void theFormWithItsDefaultValuesGivesTheDefaultSettings() {
        assertEquals(KafkaSettings.DEFAULT, KafkaIngestComponent.settings(cfg(false, "127.0.0.1:9092", "plaintext")));
    }

    @Test
    void anInvalidFormIsRefusedNamingTheAttribute() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaIngestComponent.settings(cfg(true, "broker", "PLAINTEXT")));
        assertEquals("brokers entry 'broker' is not host:port with a port 1-65535", e.getMessage());
    }
}
