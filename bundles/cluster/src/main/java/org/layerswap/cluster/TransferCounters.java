package org.layerswap.cluster;

import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.api.ClusterView;

/** This node's peer-transfer counters (see {@link ClusterView.PeerCounters} for what each counts); thread-safe. */
public final class TransferCounters {

    final AtomicLong served = new AtomicLong();
    final AtomicLong fetched = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong peerFailures = new AtomicLong();
    final AtomicLong registryPulls = new AtomicLong();
    final AtomicLong fallbacks = new AtomicLong();
    final AtomicLong waits = new AtomicLong();

    public ClusterView.PeerCounters snapshot() {
        return new ClusterView.PeerCounters(served.get(), fetched.get(), refused.get(), peerFailures.get(), registryPulls.get(),
                fallbacks.get(), waits.get());
    }
}
