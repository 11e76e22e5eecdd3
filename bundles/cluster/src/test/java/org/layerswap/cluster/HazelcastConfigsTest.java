package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;

/** The member's configuration opens nothing beyond the member port on the configured address. */
class HazelcastConfigsTest {

    final ClusterSettings s = ClusterSettingsTest.with("10.1.2.3", List.of("10.1.2.4:5701", "10.1.2.5:5701"), 5801, 5810);
    final Config c = HazelcastConfigs.member(s, "http://10.1.2.3:5810");

    @Test
    void theMemberBindsToTheConfiguredAddressAndPortOnly() {
        assertEquals("false", c.getProperty("hazelcast.socket.bind.any"));
        assertEquals("10.1.2.3", c.getProperty("hazelcast.local.localAddress"));
        assertTrue(c.getNetworkConfig().getInterfaces().isEnabled());
        assertEquals(List.of("10.1.2.3"), List.copyOf(c.getNetworkConfig().getInterfaces().getInterfaces()));
        assertEquals(5801, c.getNetworkConfig().getPort());
        assertFalse(c.getNetworkConfig().isPortAutoIncrement());
    }

    @Test
    void itJoinsByTheTcpIpListOnlyWithoutMulticastOrDiscovery() {
        JoinConfig join = c.getNetworkConfig().getJoin();
        assertFalse(join.getMulticastConfig().isEnabled());
        assertFalse(join.getAutoDetectionConfig().isEnabled());
        assertTrue(join.getTcpIpConfig().isEnabled());
        assertEquals(List.of("10.1.2.4:5701", "10.1.2.5:5701"), join.getTcpIpConfig().getMembers());
        assertEquals("layerswap", c.getClusterName());
    }

    @Test
    void phoneHomeRestMemcacheManagementCenterAndJetAreOff() {
        assertEquals("false", c.getProperty("hazelcast.phone.home.enabled"));
        assertFalse(c.getNetworkConfig().getRestApiConfig().isEnabled());
        assertFalse(c.getNetworkConfig().getMemcacheProtocolConfig().isEnabled());
        assertFalse(c.getRestConfig().isEnabled());
        assertFalse(c.getManagementCenterConfig().isScriptingEnabled());
        assertFalse(c.getManagementCenterConfig().isConsoleEnabled());
        assertFalse(c.getManagementCenterConfig().isDataAccessEnabled());
        assertFalse(c.getJetConfig().isEnabled());
        assertEquals("false", c.getProperty("hazelcast.shutdownhook.enabled"));
    }

    @Test
    void thePeerEndpointIsAMemberAttributeAndTheDirectoryHasTheConfiguredBackups() {
        assertEquals("http://10.1.2.3:5810", c.getMemberAttributeConfig().getAttribute(HazelcastConfigs.PEER_ATTRIBUTE));
        assertEquals(1, c.getMultiMapConfig(HazelcastConfigs.LAYERS).getBackupCount());
        assertEquals(1, c.getMapConfig(HazelcastConfigs.PULLS).getBackupCount());
    }

    @Test
    void theProfileInboxIsPartitionedByFunctionAndTheModelsHaveTheConfiguredBackups() {
        assertEquals(1, c.getMapConfig(HazelcastConfigs.PROFILE_EVENTS).getBackupCount());
        assertEquals(1, c.getMapConfig(HazelcastConfigs.PROFILES).getBackupCount());
        var strategy = c.getMapConfig(HazelcastConfigs.PROFILE_EVENTS).getPartitioningStrategyConfig().getPartitioningStrategy();
        assertEquals("orders@eu", strategy.getPartitionKey(ProfileWire.eventKey("6f1c", "orders@eu")),
                "the partition key is the function id, even one containing '@'");
    }
}
