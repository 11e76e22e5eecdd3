package org.layerswap.source.oci.internal;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.source.oci.RegistryClient;
import org.layerswap.source.oci.RegistrySettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

        /**
         * {@code .password}: the leading dot makes it a private property, never propagated to the
         * service's properties. The old public {@code password} key is still read, with a warning.
         */
        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
                description = "Password for basic auth or the token endpoint (private property, shown masked; never logged)")
        String _password() default "";

        @AttributeDefinition(required = false, description = "Hosts other than the registry's own that may receive the "
                + "credentials: a bearer-token realm or a redirect target there (comma-separated). Empty: none")
        String credentialHosts() default "";

        @AttributeDefinition(description = "Allow a plain-http bearer-token realm on any host (testing only; "
                + "otherwise https, or http only on the registry's own loopback host)")
        boolean allowInsecureTokenRealm() default false;

        @AttributeDefinition(description = "Largest manifest, index, config blob or token response accepted, in bytes")
        long maxDocumentBytes() default RegistrySettings.DEFAULT_MAX_DOCUMENT_BYTES;

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

    /** The deprecated public key of the password: read when {@code .password} is empty. */
    static final String DEPRECATED_PASSWORD_KEY = "password";

    private static final Logger LOG = LoggerFactory.getLogger(OciSourceComponent.class);

    private volatile RegistryClient client;

    @Activate
    @Modified
    void activate(Config c, Map<String, Object> properties) {
        client = new RegistryClient(registryConfig(c, properties));
    }

    /** The client settings from the typed config; {@code properties} only for the deprecated {@code password} key. */
    static RegistrySettings registryConfig(Config c, Map<String, ?> properties) {
        String password = c._password();
        Object old = properties.get(DEPRECATED_PASSWORD_KEY);
        if (old != null && !old.toString().isEmpty()) {
            LOG.warn("org.layerswap.source.oci: the 'password' key is deprecated (it is a public service property); "
                    + "rename it to '.password'{}", password.isEmpty() ? "" : " - '.password' is set and wins");
            if (password.isEmpty()) {
                password = old.toString();
            }
        }
        String[] platform = c.platform().split("/", 2);
        Set<String> hosts = Arrays.stream(c.credentialHosts().split(",")).map(String::strip).filter(h -> !h.isEmpty())
                .collect(Collectors.toSet());
        return new RegistrySettings(URI.create(c.registry().trim()), c.username(), password,
                Duration.ofMillis(c.connectTimeoutMillis()), Duration.ofMillis(c.readTimeoutMillis()), c.maxAttempts(),
                Duration.ofMillis(c.initialBackoffMillis()), Duration.ofMillis(c.maxBackoffMillis()),
                platform[0], platform.length > 1 ? platform[1] : "amd64", hosts, c.allowInsecureTokenRealm(), c.maxDocumentBytes());
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

    @Override
    public byte[] manifestBytes(String repository, String manifestDigest) throws LayerSourceException {
        return client.manifestBytes(repository, manifestDigest);
    }
}
