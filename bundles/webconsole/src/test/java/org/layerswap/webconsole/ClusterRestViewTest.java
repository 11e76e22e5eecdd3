package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ClusterView;

class ClusterRestViewTest {

    static final ClusterView TWO = new ClusterView() {
        @Override
        public ClusterStatus status() {
            return new ClusterStatus(true, "prod", "u-1", List.of(
                    new Member("u-1", "[10.0.0.1]:5701", "http://10.0.0.1:5710", true, List.of("sha256:aa"), 140),
                    new Member("u-2", "[10.0.0.2]:5701", "http://10.0.0.2:5710", false, List.of(), 131)),
                    new PeerCounters(5, 4, 1, 2, 3, 1, 6));
        }

        @Override
        public Optional<Placement> place(String functionId) {
            return Optional.of(new Placement(functionId, "u-2", "[10.0.0.2]:5701", 2, 41, 26, 1.25));
        }
    };

    @Test
    void theStatusCarriesMembersPartitionsLayersAndCountersAsTheShellShowsThem() {
        String json = Json.write(ClusterRestView.status(TWO));
        assertTrue(json.startsWith("{\"installed\":true,\"enabled\":true,\"clusterName\":\"prod\",\"localUuid\":\"u-1\""), json);
        assertTrue(json.contains("{\"uuid\":\"u-1\",\"address\":\"[10.0.0.1]:5701\",\"peerEndpoint\":\"http://10.0.0.1:5710\","
                + "\"local\":true,\"partitions\":140,\"layers\":[\"sha256:aa\"]}"), json);
        assertTrue(json.contains("\"counters\":{\"served\":5,\"fetched\":4,\"refused\":1,\"peerFailures\":2,\"registryPulls\":3,"
                + "\"fallbacks\":1,\"waits\":6}"), json);
    }

    @Test
    void withoutTheClusterBundleOrWithItOffTheStatusSaysSo() {
        Map<String, Object> absent = ClusterRestView.status(null);
        assertEquals(false, absent.get("installed"));
        assertEquals(false, absent.get("enabled"));
        Map<String, Object> off = ClusterRestView.status(ClusterView.ClusterStatus::disabled);
        assertEquals(true, off.get("installed"));
        assertEquals(false, off.get("enabled"));
        assertEquals(List.of(), off.get("members"));
    }

    @Test
    void placeNamesTheMemberAndTheFiguresOfTheRule() {
        Map<String, Object> p = ClusterRestView.place(TWO, " thumbnails ");
        assertEquals("thumbnails", p.get("function"));
        assertEquals("[10.0.0.2]:5701", p.get("address"));
        assertEquals(26, p.get("capacity"));
    }

    @Test
    void placeWithoutAFunctionIsABadRequestAndWithTheClusterOffAConflict() {
        ApiServlet.ApiException missing = assertThrows(ApiServlet.ApiException.class, () -> ClusterRestView.place(TWO, " "));
        assertEquals(400, missing.status);
        ApiServlet.ApiException off = assertThrows(ApiServlet.ApiException.class,
                () -> ClusterRestView.place(ClusterView.ClusterStatus::disabled, "f"));
        assertEquals(409, off.status);
        assertTrue(off.getMessage().startsWith("the cluster is off"), off.getMessage());
    }
}
