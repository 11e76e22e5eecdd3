package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ContainerdView;

class ContainerdStatusViewTest {

    @Test
    void theStatusIsWrittenWithSnapshotsByKindHandshakesEventsRegistrationsTheLayersTheirLeasesHoldAndTheImageRecordsCreated() {
        ContainerdView v = () -> new ContainerdView.ContainerdStatus(true, "/s.sock", true, true, Map.of("ACTIVE", 1L, "VIEW", 0L,
                "COMMITTED", 4L), 7, 2, 31, 9, 1, 3, 6, 0, List.of(new ContainerdView.Registration("k8s.io", "reg/fn:1", "l-1", 5, 2),
                new ContainerdView.Registration("default", "reg/fn:2", "l-2", 8, 3)),
                List.of(new ContainerdView.ImageRecord("k8s.io", "reg/fn:1", "l-1")));
        assertEquals("{\"installed\":true,\"serving\":true,\"socket\":\"/s.sock\",\"learning\":true,\"connected\":true,"
                + "\"snapshots\":{\"ACTIVE\":1,\"COMMITTED\":4,\"VIEW\":0},\"handshakes\":{\"hits\":7,\"misses\":2},"
                + "\"events\":{\"seen\":31,\"mapped\":9,\"dropped\":1},\"imagesKnown\":3,\"layersRegistered\":6,\"registrationFailures\":0,"
                + "\"leasedLayers\":5,\"registrations\":[{\"namespace\":\"k8s.io\",\"image\":\"reg/fn:1\",\"lease\":\"l-1\",\"atMillis\":5,"
                + "\"layers\":2},{\"namespace\":\"default\",\"image\":\"reg/fn:2\",\"lease\":\"l-2\",\"atMillis\":8,\"layers\":3}],"
                + "\"imageRecordCount\":1,\"imageRecords\":[{\"namespace\":\"k8s.io\",\"name\":\"reg/fn:1\",\"lease\":\"l-1\"}]}",
                Json.write(ContainerdStatusView.of(v)));
    }

    @Test
    void withoutTheContainerdBundleItSaysNotInstalledAndOff() {
        Map<String, Object> m = ContainerdStatusView.of(null);
        assertEquals(false, m.get("installed"));
        assertEquals(false, m.get("serving"));
        assertEquals(Map.of("hits", 0L, "misses", 0L), m.get("handshakes"));
        assertEquals(0L, m.get("leasedLayers"));
        assertEquals(0, m.get("imageRecordCount"));
    }
}
