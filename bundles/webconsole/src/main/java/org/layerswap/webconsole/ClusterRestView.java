package org.layerswap.webconsole;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerswap.api.ClusterView;

/**
 * JSON shapes of the cluster (issue 15), the same data as {@code layerswap:cluster}: {@code GET /api/cluster} (members,
 * this node, partitions and layers per member, this node's peer counters) and {@code GET /api/cluster/place?function=f}
 * (the member that should run f, for a front end routing invocations sticky). Without the cluster bundle, or with it
 * off, the status says {@code enabled: false} and a placement is refused with 409.
 */
final class ClusterRestView {

    private ClusterRestView() {
    }

    static Map<String, Object> status(ClusterView cluster) {
        ClusterView.ClusterStatus s = cluster == null ? ClusterView.ClusterStatus.disabled() : cluster.status();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("installed", cluster != null);
        out.put("enabled", s.enabled());
        out.put("clusterName", s.clusterName());
        out.put("localUuid", s.localUuid());
        List<Object> members = new ArrayList<>();
        for (ClusterView.Member m : s.members()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("uuid", m.uuid());
            mm.put("address", m.address());
            mm.put("peerEndpoint", m.peerEndpoint());
            mm.put("local", m.local());
            mm.put("partitions", m.partitions());
            mm.put("layers", m.layers());
            members.add(mm);
        }
        out.put("members", members);
        ClusterView.PeerCounters c = s.counters();
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("served", c.served());
        counters.put("fetched", c.fetched());
        counters.put("refused", c.refused());
        counters.put("peerFailures", c.peerFailures());
        counters.put("registryPulls", c.registryPulls());
        counters.put("fallbacks", c.fallbacks());
        counters.put("waits", c.waits());
        out.put("counters", counters);
        return out;
    }

    static Map<String, Object> place(ClusterView cluster, String function) {
        if (function == null || function.isBlank()) {
            throw new ApiServlet.ApiException(400, "missing parameter 'function'");
        }
        ClusterView.Placement p = (cluster == null ? java.util.Optional.<ClusterView.Placement>empty() : cluster.place(function.trim()))
                .orElseThrow(() -> new ApiServlet.ApiException(409, "the cluster is off (enabled=false in org.layerswap.cluster): "
                        + "every function runs on this node"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("function", p.functionId());
        out.put("memberUuid", p.memberUuid());
        out.put("address", p.address());
        out.put("members", p.members());
        out.put("functions", p.functions());
        out.put("capacity", p.capacity());
        out.put("loadFactor", p.loadFactor());
        return out;
    }
}
