package org.layerswap.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.ClusterView;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerStoreListener;
import org.layerswap.cluster.ClusterSettings;
import org.layerswap.source.oci.testing.LocalRegistry;
import org.layerswap.testkit.ConfigFileCheck;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The DS adapter: config mapping, off by default, and what it registers when on (a stand-in BundleContext records it). */
class ClusterComponentTest {

    static final Path CFG = Path.of("../../etc/org.layerswap.cluster.cfg");

    @TempDir
    Path dir;

    /** What the component registered and unregistered. */
    final List<String> registered = new ArrayList<>();
    final List<String> unregistered = new ArrayList<>();

    final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
            (p, m, a) -> {
                if (!m.getName().equals("registerService")) {
                    throw new UnsupportedOperationException(m.getName());
                }
                String what = ((Class<?>) a[0]).getSimpleName() + ((Dictionary<?, ?>) a[2]).get("name");
                registered.add(what);
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (r, rm, ra) -> {
                    if (rm.getName().equals("unregister")) {
                        unregistered.add(what);
                    }
                    return null;
                });
            });

    @Test
    void theShippedFileMapsToTheDefaultSettingsWithTheClusterOff() {
        assertEquals(ClusterSettings.DEFAULT, ClusterComponent.settings(ConfigFileCheck.instance(ClusterConfig.class, CFG)));
    }

    @Test
    void offByDefaultNothingIsStartedOrRegisteredAndTheViewSaysSo() throws Exception {
        ClusterComponent c = new ClusterComponent();
        c.activate(context, ConfigFileCheck.instance(ClusterConfig.class, CFG));
        assertEquals(ClusterView.ClusterStatus.disabled(), c.status());
        assertEquals(Optional.empty(), c.place("orders"), "no placement with the cluster off");
        assertEquals(List.of(), registered);
        c.deactivate();
    }

    @Test
    void aWildcardBindAddressIsRefusedNamingTheKey() {
        ClusterConfig bad = ConfigFileCheck.instance(ClusterConfig.class, Map.of("enabled", "true", "bindAddress", "0.0.0.0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClusterComponent().activate(context, bad));
        assertTrue(e.getMessage().startsWith("bindAddress must not be a wildcard"), e.getMessage());
    }

    @Test
    void onItStartsAMemberGeneratesThePrivateTokenRegistersThePeerSourceThePartitionedProfilerThePlacementAndAnEditTurnsItOff()
            throws Exception {
        Map<String, String> on = new HashMap<>(Map.of("enabled", "true", "clusterName", "component-test-" + System.nanoTime(),
                "port", Integer.toString(LocalRegistry.freePort()), "peerPort", "0",
                "tokenFile", dir.resolve("security/cluster.token").toString(), "blobDir", dir.resolve("blobs").toString()));
        ClusterComponent c = new ClusterComponent();
        c.activate(context, ConfigFileCheck.instance(ClusterConfig.class, on));
        try {
            assertEquals(List.of("LayerSourcepeer", "LayerStoreListenernull", "ProfilePartitioningnull", "FunctionPlacementnull"),
                    registered);
            ClusterView.ClusterStatus st = c.status();
            assertTrue(st.enabled());
            assertEquals(1, st.members().size());
            assertTrue(st.members().get(0).local());
            assertTrue(st.members().get(0).address().contains("127.0.0.1"), st.members().get(0).address());
            assertEquals(271, st.members().get(0).partitions(), "a lone member owns every partition");
            ClusterView.Placement p = c.place("orders").orElseThrow();
            assertEquals(st.members().get(0).uuid(), p.memberUuid());
            assertEquals(1, p.members());
            Path token = dir.resolve("security/cluster.token");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
            assertTrue(Files.readString(token).trim().length() >= 43);

            on.put("enabled", "false");
            c.modified(ConfigFileCheck.instance(ClusterConfig.class, on));
            assertEquals(List.of("FunctionPlacementnull", "ProfilePartitioningnull", "LayerSourcepeer", "LayerStoreListenernull"),
                    unregistered);
            assertFalse(c.status().enabled());
        } finally {
            c.deactivate();
        }
    }
}
