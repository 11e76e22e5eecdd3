package org.layerswap.shell;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.layerswap.api.ContainerdView;

@Command(scope = "layerswap", name = "containerd",
        description = "Shows the containerd integration: snapshotter socket, snapshots by kind, handshakes, learning from containerd's "
                + "events, images registered ahead of predicted starts, the image records LayerSwap created")
@Service
public class ContainerdCommand extends LayerswapCommand {

    @Reference(optional = true)
    ContainerdView containerd;

    @Override
    void run() throws Exception {
        Operator.require(containerd, "containerd snapshotter", "layerswap-containerd");
        ContainerdView.ContainerdStatus s = containerd.status();
        if (!s.serving()) {
            System.out.println("containerd snapshotter off (enabled=false in etc/org.layerswap.containerd.cfg; see docs/containerd.md)");
            return;
        }
        System.out.println("containerd snapshotter serving on " + s.socket() + "; learning from containerd: "
                + (!s.learning() ? "off" : s.connected() ? "connected" : "not connected (retrying)"));
        ShellTable t = new ShellTable();
        t.column("Active").alignRight();
        t.column("View").alignRight();
        t.column("Committed").alignRight();
        t.column("Handshake hits").alignRight();
        t.column("Handshake misses").alignRight();
        t.column("Events seen").alignRight();
        t.column("Mapped").alignRight();
        t.column("Dropped").alignRight();
        t.column("Images known").alignRight();
        t.column("Layers registered").alignRight();
        t.column("Failures").alignRight();
        t.addRow().addContent(kind(s, "ACTIVE"), kind(s, "VIEW"), kind(s, "COMMITTED"), s.handshakeHits(), s.handshakeMisses(),
                s.eventsSeen(), s.eventsMapped(), s.eventsDropped(), s.imagesKnown(), s.layersRegistered(), s.registrationFailures());
        t.print(System.out);
        if (!s.registrations().isEmpty()) {
            ShellTable r = new ShellTable();
            r.column("Namespace");
            r.column("Image");
            r.column("Layers").alignRight();
            r.column("Lease");
            r.column("Registered");
            for (ContainerdView.Registration g : s.registrations()) {
                r.addRow().addContent(g.namespace(), g.image(), g.layers(), g.lease(), Instant.ofEpochMilli(g.atMillis()));
            }
            r.print(System.out);
        }
        if (s.learning() || !s.imageRecords().isEmpty()) {
            System.out.println("Image records LayerSwap created in containerd (deleted when their prediction lapses): "
                    + s.imageRecords().size());
        }
        if (!s.imageRecords().isEmpty()) {
            ShellTable r = new ShellTable();
            r.column("Namespace");
            r.column("Record");
            r.column("Lease");
            for (ContainerdView.ImageRecord g : s.imageRecords()) {
                r.addRow().addContent(g.namespace(), g.name(), g.lease());
            }
            r.print(System.out);
        }
    }

    private static long kind(ContainerdView.ContainerdStatus s, String kind) {
        return s.snapshotsByKind().getOrDefault(kind, 0L);
    }
}
