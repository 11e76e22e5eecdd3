package org.layerswap.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = "org.layerswap.metrics", name = "LayerSwap metrics",
        description = "One metrics registry: Prometheus text at /layerswap/metrics (scrape token) and JMX MBeans org.layerswap:type=...")
public @interface MetricsConfig {

    @AttributeDefinition(description = "Scrape bearer token; empty: read from tokenFile, generated there (0600) at first start",
            type = AttributeType.PASSWORD)
    String token() default "";

    @AttributeDefinition(description = "File holding the scrape bearer token (owner-only, 0600); ${karaf.data} is expanded")
    String tokenFile() default "${karaf.data}/security/metrics.token";

    @AttributeDefinition(description = "Register the metrics as JMX MBeans under org.layerswap:type=<group>")
    boolean jmx() default true;

    @AttributeDefinition(description = "Seconds between samples of the derived metrics (prefetches gone unused, the predictor's "
            + "Brier score); a scrape also settles prefetches")
    long sampleIntervalSeconds() default 10;
}
