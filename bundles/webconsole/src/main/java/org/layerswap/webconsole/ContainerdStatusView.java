package org.layerswap.webconsole;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.api.ContainerdView;

/**
 * JSON shape of the containerd integration (GET /api/containerd): the same data as {@code layerswap:containerd}, plus
 * {@code leasedLayers}, the layer snapshots the current registrations hold under their containerd leases (the sum of
 * their {@code layers}), and {@code imageRecordCount}, the number of {@code imageRecords} (namespace, name, lease: the
 * image records LayerSwap created in containerd and has not deleted yet). The dashboard's containerd panel reads it
 * and is shown only when {@code installed}.
 */
final class ContainerdStatusView {

    private ContainerdStatusView() {
    }

    /** With no containerd bundle installed, {@code installed} is false and the rest reads as a snapshotter that is off. */
    static Map<String, Object> of(ContainerdView view) {
        ContainerdView.ContainerdStatus s = view == null ? ContainerdView.ContainerdStatus.off() : view.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("installed", view != null);
        m.put("serving", s.serving());
        m.put("socket", s.socket());
        m.put("learning", s.learning());
        m.put("connected", s.connected());
        m.put("snapshots", new LinkedHashMap<>(new java.util.TreeMap<>(s.snapshotsByKind())));
        m.put("handshakes", ApplianceView.map("hits", s.handshakeHits(), "misses", s.handshakeMisses()));
        m.put("events", ApplianceView.map("seen", s.eventsSeen(), "mapped", s.eventsMapped(), "dropped", s.eventsDropped()));
        m.put("imagesKnown", s.imagesKnown());
        m.put("layersRegistered", s.layersRegistered());
        m.put("registrationFailures", s.registrationFailures());
        List<Object> regs = new ArrayList<>();
        long leased = 0;
        for (ContainerdView.Registration r : s.registrations()) {
            leased += r.layers();
            regs.add(ApplianceView.map("namespace", r.namespace(), "image", r.image(), "lease", r.lease(), "atMillis", r.atMillis(),
                    "layers", r.layers()));
        }
        m.put("leasedLayers", leased);
        m.put("registrations", regs);
        List<Object> records = new ArrayList<>();
        for (ContainerdView.ImageRecord r : s.imageRecords()) {
            records.add(ApplianceView.map("namespace", r.namespace(), "name", r.name(), "lease", r.lease()));
        }
        m.put("imageRecordCount", records.size());
        m.put("imageRecords", records);
        return m;
    }
}
