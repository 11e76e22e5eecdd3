package org.layerswap.itests;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Every configuration file the appliance ships (etc/org.layerswap.*.cfg) has a Metatype form
 * (what configuration UIs render) whose attributes cover every key in the file.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetatypeIT extends ApplianceTestSupport {

    @Inject
    MetaTypeService metaType;

    @Inject
    org.apache.karaf.features.FeaturesService features;

    @Configuration
    public Option[] config() {
        return applianceOptions();
    }

    @Test
    public void everyShippedConfigHasAMetatypeFormCoveringItsKeys() throws Exception {
        Path etc = Path.of(System.getProperty("karaf.etc"));
        List<Path> cfgs;
        try (var s = Files.list(etc)) {
            cfgs = s.filter(p -> p.getFileName().toString().matches("org\\.layerswap\\..+\\.cfg")).sorted().toList();
        }
        assertTrue("no org.layerswap.*.cfg in " + etc, cfgs.size() >= 10);
        // the opt-in features the tarball carries but does not boot ship their etc/ files too: install them (both
        // idle until enabled) so their bundles' Metatype is there to check
        installOptInFeatures(features);
        for (Path cfg : cfgs) {
            String pid = cfg.getFileName().toString().replaceFirst("\\.cfg$", "");
            Set<String> attributes = attributes(pid);
            long deadline = System.currentTimeMillis() + 60_000; // an installed bundle's Metatype appears once it starts
            while (attributes.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                attributes = attributes(pid);
            }
            assertTrue("no Metatype form designates " + pid + " (after installing " + OPT_IN_FEATURES + ")",
                    !attributes.isEmpty());
            Properties props = new Properties();
            try (var in = Files.newInputStream(cfg)) {
                props.load(in);
            }
            for (String key : props.stringPropertyNames()) {
                // DS reference targets (x.target) are component properties, not form fields
                if (!key.endsWith(".target")) {
                    assertTrue(pid + ": key '" + key + "' has no Metatype attribute (form fields: " + attributes + ")",
                            attributes.contains(key));
                }
            }
        }
    }

    /** Attribute ids of every form designating {@code pid}, over all bundles (several may share a PID). */
    private Set<String> attributes(String pid) {
        Set<String> ids = new HashSet<>();
        for (Bundle b : bundleContext.getBundles()) {
            MetaTypeInformation info = metaType.getMetaTypeInformation(b);
            if (info == null || !List.of(info.getPids()).contains(pid)) {
                continue;
            }
            ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
            AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
            if (ads != null) {
                for (AttributeDefinition ad : ads) {
                    ids.add(ad.getID());
                }
            }
        }
        return ids;
    }
}
