package org.layerswap.source.layout.internal;

import java.io.InputStream;

import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.api.config.DataPaths;
import org.layerswap.source.layout.OciLayoutSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** DS adapter: publishes an {@link OciLayoutSource} for the configured directory as {@code name=layout}. */
@Component(service = LayerSource.class, configurationPid = "org.layerswap.source.layout",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = {"name=layout", "service.ranking:Integer=0"})
@Designate(ocd = LayoutSourceComponent.Config.class)
public class LayoutSourceComponent implements LayerSource {

    @ObjectClassDefinition(name = "LayerSwap OCI image-layout source",
            description = "Serves image layers from a local OCI image-layout directory")
    public @interface Config {
        @AttributeDefinition(description = "OCI image-layout directory; relative paths resolve against ${karaf.data}")
        String path() default "images";
    }

    private volatile OciLayoutSource delegate;

    @Activate
    @Modified
    void activate(Config config) {
        delegate = new OciLayoutSource(DataPaths.resolve(config.path(), "images"));
    }

    @Override
    public String name() {
        return OciLayoutSource.NAME;
    }

    @Override
    public ImageManifest resolve(String imageReference) throws LayerSourceException {
        return delegate.resolve(imageReference);
    }

    @Override
    public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
        return delegate.openBlob(repository, layer, offset);
    }

    @Override
    public byte[] manifestBytes(String repository, String manifestDigest) throws LayerSourceException {
        return delegate.manifestBytes(repository, manifestDigest);
    }
}
