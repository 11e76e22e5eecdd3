package org.layerswap.source.oci.internal;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;

import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.source.oci.RegistryClient;
import org.layerswap.source.oci.RegistryConfig;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** DS adapter: a {@link RegistryClient} for the configured registry, published as {@code name=oci}. */
@Component(service = LayerSource.class, configurationPid = "org.layerswap.source.oci",
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = {"name=oci", "service.ranking:Integer=10"})
@Designate(ocd = OciSourceComponent.Config.class)
public class OciSourceComponent implements LayerSource {

    @ObjectClassDefinition(name = "LayerSwap OCI registry source",
            description = "Pulls image manifests and layer blobs from an OCI Distribution registry")
    public @interface Config {
        @AttributeDefinition(description = "Registry base URL, e.g. http://127.0.0.1:5000")
        String registry() default "http://127.0.0.1:5000";

        @AttributeDefinition(description = "User for basic auth or the token endpoint; empty for anonymous", required = false)
        String username() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, required = false,
                description = "Password for basic auth or the token endpoint (shown masked; never logged)")
        String password() default "";

        @AttributeDefinition(description = "Connect / response-header timeout in ms")
        long connectTimeoutMillis() default 5000;

        @AttributeDefinition(description = "Longest pause in a blob download before it fails, in ms")
        long readTimeoutMillis() default 30000;

        @AttributeDefinition(description = "Attempts per request before giving up")
        int maxAttempts() default 4;

        @AttributeDefinition(description = "First back-off delay in ms, doubled per attempt")
        long initialBackoffMillis() default 200;

        @AttributeDefinition(description = "Back-off cap in ms; also how long a failed registry is reported down")
        long maxBackoffMillis() default 10000;

        @AttributeDefinition(description = "Platform chosen from image indexes, os/architecture")
        String platform() default "linux/amd64";
    }

    private volatile RegistryClient client;

    @Activate
    @Modified
    void activate(Config c) {
        String[] platform = c.platform().split("/", 2);
        client = new RegistryClient(new RegistryConfig(URI.create(c.registry().trim()), c.username(), c.password(),
                Duration.ofMillis(c.connectTimeoutMillis()), Duration.ofMillis(c.readTimeoutMillis()), c.maxAttempts(),
                Duration.ofMillis(c.initialBackoffMillis()), Duration.ofMillis(c.maxBackoffMillis()),
                platform[0], platform.length > 1 ? platform[1] : "amd64"));
    }

    @Override
    public String name() {
        return RegistryClient.NAME;
    }

    @Override
    public ImageManifest resolve(String imageReference) throws LayerSourceException {
        return client.resolve(imageReference);
    }

    @Override
    public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
        return client.openBlob(repository, layer, offset);
    }
}
