package org.layerswap.routes.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = "org.layerswap.routes", name = "LayerSwap ingestion routes",
        description = "Camel routes feeding invocation events to the profiler and persistence")
public @interface RoutesConfig {

    @AttributeDefinition(description = "Drop folder for *.jsonl/*.json/*.csv invocation logs; ${karaf.data} is expanded "
            + "and relative paths resolve against it; empty disables the file route")
    String dropDir() default "${karaf.data}/ingest";

    @AttributeDefinition(description = "HTTP port on 127.0.0.1 for POSTed JSON lines; 0 disables the HTTP route")
    int httpPort() default 8182;

    @AttributeDefinition(description = "HTTP path of the ingestion endpoint")
    String httpPath() default "/ingest";

    @AttributeDefinition(description = "Capacity of the events queue; producers block while it is full")
    int queueSize() default 10000;

    @AttributeDefinition(description = "Seconds between profiler rescoring runs; 0 disables")
    long rescoreIntervalSeconds() default 30;

    @AttributeDefinition(description = "Seconds between persistence retention runs; 0 disables")
    long retentionIntervalSeconds() default 3600;

    @AttributeDefinition(description = "Seconds the end of a dropped file waits for its events to be committed")
    long commitTimeoutSeconds() default 120;

    @AttributeDefinition(description = "Characters of a bad line kept in its dead letter")
    int maxPayloadChars() default 2000;

    @AttributeDefinition(description = "HTTP bearer token; empty: read from tokenFile, generated there (0600) at first start",
            type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String token() default "";

    @AttributeDefinition(description = "File holding the HTTP bearer token (owner-only, 0600); ${karaf.data} is expanded")
    String tokenFile() default "${karaf.data}/security/ingest.token";

    @AttributeDefinition(description = "Host header names accepted besides 127.0.0.1, localhost and [::1] (comma-separated)")
    String allowedHosts() default "";

    @AttributeDefinition(description = "Origin header values accepted (comma-separated); requests with any other Origin get 403")
    String allowedOrigins() default "";

    @AttributeDefinition(description = "Accepted request media types (comma-separated); text/plain and form types are never accepted")
    String contentTypes() default "application/json,application/x-ndjson";

    @AttributeDefinition(description = "Largest HTTP request body in bytes (413 beyond)")
    long maxBodyBytes() default 16777216L;

    @AttributeDefinition(description = "Longest line of an HTTP body in characters (a longer one is dead-lettered)")
    int maxLineChars() default 65536;

    @AttributeDefinition(description = "Longest function id accepted (all sources)")
    int maxFunctionIdChars() default 256;

    @AttributeDefinition(description = "Longest tenant accepted (all sources)")
    int maxTenantChars() default 256;

    @AttributeDefinition(description = "Most parameters per event (all sources)")
    int maxParams() default 32;

    @AttributeDefinition(description = "Longest parameter key or value (all sources)")
    int maxParamChars() default 1024;

    @AttributeDefinition(description = "Seconds a timestamp may lie ahead of the clock; later events are dead-lettered")
    long maxFutureSkewSeconds() default 300;
}
