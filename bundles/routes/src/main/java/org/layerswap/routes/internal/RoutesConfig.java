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
}
