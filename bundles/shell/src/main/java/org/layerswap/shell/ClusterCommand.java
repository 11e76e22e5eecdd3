package org.layerswap.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ClusterView;

@Command(scope = "layerswap", name = "cluster",
        description = "Shows the appliance cluster: members, this node, partitions and layers per member, peer transfer counters; "
                + "'place <function>' names the member that should run a function")
@Service
public class ClusterCommand extends LayerswapCommand {

    @Reference(optional = true)
    ClusterView cluster;

    @Argument(index = 0, name = "action", description = "place: the member that should run <function> (default: the overview)")
    @Completion(value = StringsCompleter.class, values = {"place"})
    String action;

    @Argument(index = 1, name = "function", description = "Function id (place)")
    String function;

    @Override
    void run() throws Exception {
        Operator.require(cluster, "cluster component", "layerswap-cluster");
        ClusterView.ClusterStatus s = cluster.status();
        if (!s.enabled()) {
            System.out.println("Cluster off: a single node (enabled=false in etc/org.layerswap.cluster.cfg; see docs/cluster.md)");
            return;
        }
        if (action != null) {
            if (!"place".equals(action)) {
                throw new IllegalArgumentException("unknown action '" + action + "'; valid: place <function> (or none for the overview)");
            }
            if (function == null || function.isBlank()) {
                throw new IllegalArgumentException("place needs a function id: layerswap:cluster place <function>");
            }
            ClusterView.Placement p = cluster.place(function).orElseThrow(() -> new IllegalStateException("no member to place on"));
            System.out.println(p.functionId() + " -> " + p.address() + " (member " + p.memberUuid() + ")");
            System.out.printf("consistent hash with bounded load: %d member(s), %d function(s), at most %d per member (c = %.2f)%n",
                    p.members(), p.functions(), p.capacity(), p.loadFactor());
            return;
        }
        System.out.println("Cluster " + s.clusterName() + ": " + s.members().size() + " member(s); this node is " + s.localUuid());
        ShellTable members = new ShellTable();
        members.column("");
        members.column("Member");
        members.column("Address");
        members.column("Peer endpoint");
        members.column("Layers").alignRight();
        members.column("Partitions").alignRight();
        for (ClusterView.Member m : s.members()) {
            members.addRow().addContent(m.local() ? "*" : "", m.uuid(), m.address(), m.peerEndpoint(), m.layers().size(),
                    m.partitions() < 0 ? "-" : m.partitions());
        }
        members.print(System.out);
        ShellTable layers = new ShellTable();
        layers.column("Member");
        layers.column("Layer");
        for (ClusterView.Member m : s.members()) {
            for (String digest : m.layers()) {
                layers.addRow().addContent(m.local() ? m.uuid() + " (this node)" : m.uuid(), digest);
            }
        }
        layers.print(System.out);
        ClusterView.PeerCounters c = s.counters();
        System.out.println("Peer transfers on this node:");
        ShellTable counters = new ShellTable();
        counters.column("Served").alignRight();
        counters.column("Fetched").alignRight();
        counters.column("Refused").alignRight();
        counters.column("Peer failures").alignRight();
        counters.column("Registry pulls").alignRight();
        counters.column("Fallbacks").alignRight();
        counters.column("Waits").alignRight();
        counters.addRow().addContent(c.served(), c.fetched(), c.refused(), c.peerFailures(), c.registryPulls(), c.fallbacks(), c.waits());
        counters.print(System.out);
    }
}
