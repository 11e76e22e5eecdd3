package org.layerswap.replay;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Discrete-event replay of an {@link EventTable} against one node ({@link NodeSettings}) under one
 * {@link ReplayPolicy}.
 *
 * <p>Model. Each invocation needs its whole layer stack. Resident layers are hits. Missing layers are
 * fetched on the critical path as one batch: the invocation waits {@code RTT + bytes/bandwidth +
 * bytes/unpack}, plus any wait for an earlier on-demand batch still using the link. A layer that is
 * being prefetched when it is needed is promoted: only its remaining share is fetched on demand.
 * Prefetches form a FIFO queue that uses the link only when no on-demand transfer does (an
 * on-demand fetch preempts and pauses them); each costs {@code RTT + size/bandwidth + size/unpack} of
 * link time. Storage is bounded by the budget: making room asks the policy for victims (never a layer
 * of the invocation being served); a layer that cannot be kept is still fetched but not retained,
 * and a prefetch that cannot be kept is dropped (counted as waste). Metrics cover invocations at or
 * after {@code start + warmup}; storage (GB*s) is integrated from that time.
 *
 * <p>Cluster node ({@link ClusterReplay}): with a {@link LayerExchange}, a missing layer another node holds comes
 * from that peer over the LAN, in parallel with the registry share of the batch (then both are unpacked), and a
 * prefetch of such a layer costs LAN time instead of registry-link time; without one (a single node) the
 * arithmetic is exactly the one-link model above. {@link #run} is {@link #begin}, {@link #step} per event,
 * {@link #finish}; a cluster interleaves its nodes' steps in trace order.
 *
 * <p>What is measured, and the result row, are {@link ReplayMeter}'s; this class decides what is measured (the warm-up)
 * and runs the event loop, the prefetch queue, the link model and the storage accounting, which share the per-layer
 * arrays.
 */
public final class Simulator implements NodeView {

    private final EventTable tab;
    private final NodeSettings cfg;
    private final ReplayPolicy policy;
    private final long budget;
    private final double bwPerMs;
    private final double unpackPerMs;
    private final double warmupEnd;
    private final AtomicLong progress;
    /** Where missing layers may come from besides the registry (a cluster's peers); null on a single node. */
    private final LayerExchange exchange;

    private final boolean[] resident;
    private final boolean[] queued;
    private final boolean[] prefetchedUnused;
    private final int[] pin;
    private final int[] queueGen;
    private final double[] insertedAt;
    private int curPin = -1;
    private long used;
    private double now;

    // prefetch queue: ring of (gen << 32 | layer)
    private long[] ring = new long[64];
    private int qHead;
    private int qSize;
    private int qLive;
    private long queuedBytes;
    private double headRemaining = -1;
    private double headWork;
    private boolean headFromPeer;
    private double prefetchClock;
    private double demandFreeAt;

    // accounting
    private final ReplayMeter meter;
    private long eventNanos;

    private int[] missing = new int[16];
    private long wall0;
    private long pending;

    public Simulator(EventTable tab, NodeSettings cfg, ReplayPolicy policy, long warmupMillis, AtomicLong progress) {
        this(tab, cfg, policy, warmupMillis, progress, null);
    }

    /**
     * A node of a cluster: {@code exchange} says which missing layers a peer can serve (at its LAN speed)
     * instead of the registry link, and learns what this node holds. Null: a single node (the registry only).
     */
    Simulator(EventTable tab, NodeSettings cfg, ReplayPolicy policy, long warmupMillis, AtomicLong progress,
              LayerExchange exchange) {
        this.exchange = exchange;
        this.tab = tab;
        this.cfg = cfg;
        this.policy = policy;
        long override = policy.budgetOverride();
        this.budget = override > 0 ? override : cfg.budgetBytes();
        this.bwPerMs = cfg.bandwidthBytesPerSec() / 1000.0;
        this.unpackPerMs = cfg.unpackBytesPerSec() / 1000.0;
        this.warmupEnd = tab.startMillis() + (double) warmupMillis;
        this.meter = new ReplayMeter(warmupEnd, tab.startMillis());
        this.progress = progress;
        int nl = tab.layerCount();
        resident = new boolean[nl];
        queued = new boolean[nl];
        prefetchedUnused = new boolean[nl];
        pin = new int[nl];
        Arrays.fill(pin, -2);
        queueGen = new int[nl];
        insertedAt = new double[nl];
        now = tab.startMillis();
        prefetchClock = now;
        demandFreeAt = now;
    }

    public PolicyResult run(String family, double knob) {
        begin();
        for (int e = 0, n = tab.size(); e < n; e++) {
            step(e);
        }
        return finish(family, knob);
    }

    /** Starts a stepwise replay ({@link #step} each event in order, then {@link #finish}); {@link #run} does all. */
    void begin() {
        wall0 = System.currentTimeMillis();
        policy.init(this);
    }

    /** Runs timers and prefetch progress up to {@code t} (no later than the next event's time); idempotent. */
    void advanceTo(long t) {
        advance(t);
    }

    /** Serves event {@code e} of this node's table; events must be stepped in order. */
    void step(int e) {
        int[] stackOf = tab.stackOf;
        long t = tab.time[e];
        long n0 = System.nanoTime();
        advance(t);
        now = t;
        curPin = e;
        policy.beforeInvocation(e, t);
        int[] stack = tab.stacks[stackOf[e]];
        for (int l : stack) {
            pin[l] = e;
        }
        int nm = 0;
        double demandBytes = 0;
        double peerBytes = 0;
        double peerFrom = Double.NEGATIVE_INFINITY;
        boolean measured = t >= warmupEnd;
        for (int l : stack) {
            if (resident[l]) {
                if (prefetchedUnused[l]) {
                    prefetchedUnused[l] = false;
                    if (insertedAt[l] >= warmupEnd) {
                        meter.prefetchUsed();
                    }
                }
            } else {
                double fraction = 1.0;
                if (queued[l]) {
                    boolean fromPeer = headFromPeer;
                    fraction = unqueue(l);
                    if (measured) {
                        meter.prefetched((1 - fraction) * tab.layerSize[l]);
                        if (exchange != null && fraction < 1) {
                            exchange.fetched((1 - fraction) * tab.layerSize[l], fromPeer);
                        }
                    }
                }
                demandBytes += fraction * tab.layerSize[l];
                if (exchange != null) {
                    double from = exchange.peerReadyAt(l, t);
                    boolean fromPeer = !Double.isNaN(from);
                    if (fromPeer) {
                        peerBytes += fraction * tab.layerSize[l];
                        peerFrom = Math.max(peerFrom, from);
                    }
                    if (measured) {
                        exchange.fetched(fraction * tab.layerSize[l], fromPeer);
                    }
                }
                if (nm == missing.length) {
                    missing = Arrays.copyOf(missing, nm * 2);
                }
                missing[nm++] = l;
            }
        }
        double stall = 0;
        if (nm > 0) {
            // the registry share goes over the node's own link, a peer's share over the LAN, in parallel;
            // on a single node peerBytes is 0 and this is the one-link batch
            double transferEnd = t;
            boolean fromRegistry = peerBytes == 0 || demandBytes > peerBytes;
            if (fromRegistry) {
                double start = Math.max(t + cfg.rttMillis(), demandFreeAt);
                transferEnd = start + (demandBytes - peerBytes) / bwPerMs;
                demandFreeAt = transferEnd;
                if (prefetchClock < transferEnd) {
                    prefetchClock = transferEnd;
                }
            }
            if (peerBytes > 0) {
                transferEnd = Math.max(transferEnd, exchange.peerBatchEnd(t, peerBytes, peerFrom));
            }
            double ready = transferEnd + demandBytes / unpackPerMs;
            stall = ready - t;
            for (int i = 0; i < nm; i++) {
                int l = missing[i];
                if (makeRoom(tab.layerSize[l], t, l, false)) {
                    insert(l, t, ready);
                    policy.onInsert(l, t, false);
                }
            }
            if (measured && exchange != null) {
                exchange.served(stall, !fromRegistry);
            }
        }
        for (int k = 0; k < stack.length; k++) {
            policy.onAccess(stack[k], e, k, t);
        }
        if (measured) {
            meter.invocation(tab.classOfFunction[tab.stackFunction[stackOf[e]]], stack.length, nm, demandBytes, stall);
        }
        policy.afterInvocation(e, t);
        curPin = -1;
        eventNanos += System.nanoTime() - n0;
        if (++pending == 8192) {
            if (progress != null) {
                progress.addAndGet(pending);
            }
            pending = 0;
        }
    }

    /** Ends the replay at the table's end time and returns the metrics. */
    PolicyResult finish(String family, double knob) {
        int n = tab.size();
        if (progress != null) {
            progress.addAndGet(pending);
        }
        pending = 0;
        double end = tab.endMillis();
        now = end;
        policy.onEnd(tab.endMillis());
        meter.account(end, used);
        long unusedAtEnd = 0;
        for (int l = 0; l < resident.length; l++) {
            if (resident[l] && prefetchedUnused[l]) {
                unusedAtEnd += tab.layerSize[l];
            }
        }
        return meter.result(policy.name(), family, knob, unusedAtEnd, n == 0 ? 0 : (double) eventNanos / n,
                policy.calibration(), System.currentTimeMillis() - wall0);
    }

    /** Runs timers and prefetch progress up to {@code until}. */
    private void advance(long until) {
        while (true) {
            long timer = policy.nextTimer();
            long limit = Math.min(until, timer);
            advancePrefetch(limit);
            if (timer <= until) {
                now = Math.max(now, timer);
                curPin = -1;
                policy.onTimer(timer);
            } else {
                return;
            }
        }
    }

    private double work(int l) {
        double b = tab.layerSize[l];
        return cfg.rttMillis() + b / bwPerMs + b / unpackPerMs;
    }

    private void advancePrefetch(double limit) {
        double pt = Math.max(prefetchClock, demandFreeAt);
        while (qLive > 0) {
            long entry = ring[qHead];
            int l = (int) entry;
            int gen = (int) (entry >>> 32);
            if (!queued[l] || queueGen[l] != gen) {
                popHead();
                continue;
            }
            double w = headRemaining >= 0 ? headRemaining : startWork(l, pt);
            if (pt + w <= limit) {
                pt += w;
                popHead();
                qLive--;
                queued[l] = false;
                queuedBytes -= tab.layerSize[l];
                headRemaining = -1;
                policy.onUnqueued(l);
                complete(l, pt, headFromPeer);
            } else {
                headRemaining = w - Math.max(0, limit - pt);
                pt = Math.max(pt, limit);
                break;
            }
        }
        prefetchClock = pt;
    }

    /**
     * Link time of the prefetch of {@code l} starting at {@code pt}: from a peer when one holds it (waiting
     * for the peer's copy, LAN RTT and transfer, unpack), else from the registry ({@link #work}).
     */
    private double startWork(int l, double pt) {
        headFromPeer = false;
        headWork = work(l);
        if (exchange != null) {
            double from = exchange.peerReadyAt(l, pt);
            if (!Double.isNaN(from)) {
                double b = tab.layerSize[l];
                headFromPeer = true;
                headWork = Math.max(0, from - pt) + exchange.peerPrefetchMillis(b) + b / unpackPerMs;
            }
        }
        return headWork;
    }

    private void popHead() {
        qHead = (qHead + 1) & (ring.length - 1);
        qSize--;
    }

    private void complete(int l, double tc, boolean fromPeer) {
        double saved = now;
        now = tc;
        if (tc >= warmupEnd) {
            meter.prefetched(tab.layerSize[l]);
            if (exchange != null) {
                exchange.fetched(tab.layerSize[l], fromPeer);
            }
        }
        if (makeRoom(tab.layerSize[l], tc, l, true)) {
            insert(l, tc, tc);
            prefetchedUnused[l] = true;
            if (tc >= warmupEnd) {
                meter.prefetchCompleted();
            }
            policy.onInsert(l, tc, true);
        } else {
            if (tc >= warmupEnd) {
                meter.wasted(tab.layerSize[l]);
                meter.prefetchCompleted();
            }
            policy.onPrefetchDropped(l, tc);
        }
        now = Math.max(saved, tc);
    }

    /** Removes a queued layer needed on demand; returns the share of it still to transfer. */
    private double unqueue(int l) {
        double fraction = 1.0;
        long head = ring[qHead];
        if (headRemaining >= 0 && (int) head == l && (int) (head >>> 32) == queueGen[l]) {
            fraction = Math.min(1.0, headRemaining / headWork);
            headRemaining = -1;
            popHead();
        }
        queued[l] = false;
        qLive--;
        queuedBytes -= tab.layerSize[l];
        policy.onUnqueued(l);
        return fraction;
    }

    private boolean makeRoom(long size, double t, int incoming, boolean forPrefetch) {
        if (size > budget) {
            return false;
        }
        while (used + size > budget) {
            int v = policy.victim(t, incoming, forPrefetch);
            if (v < 0) {
                return false;
            }
            if (!resident[v] || pin[v] == curPin && curPin >= 0) {
                throw new IllegalStateException(policy.name() + " chose victim " + v + " that is "
                        + (resident[v] ? "pinned" : "not resident"));
            }
            evict(v, t);
        }
        return true;
    }

    /** Layer {@code l} becomes resident at {@code t}; its bytes are all there (peers may copy it) at {@code readyAt}. */
    private void insert(int l, double t, double readyAt) {
        meter.account(t, used);
        resident[l] = true;
        insertedAt[l] = t;
        used += tab.layerSize[l];
        if (exchange != null) {
            exchange.held(l, readyAt);
        }
    }

    // ---- NodeView ----

    @Override
    public EventTable table() {
        return tab;
    }

    @Override
    public NodeSettings config() {
        return cfg;
    }

    @Override
    public long budgetBytes() {
        return budget;
    }

    @Override
    public long usedBytes() {
        return used;
    }

    @Override
    public boolean resident(int layer) {
        return resident[layer];
    }

    @Override
    public boolean queued(int layer) {
        return queued[layer];
    }

    @Override
    public boolean pinned(int layer) {
        return curPin >= 0 && pin[layer] == curPin;
    }

    @Override
    public void evict(int l, double at) {
        if (!resident[l]) {
            return;
        }
        meter.account(now, used);
        meter.heldUntil(tab.layerSize[l], Math.max(at, insertedAt[l]));
        resident[l] = false;
        used -= tab.layerSize[l];
        if (prefetchedUnused[l]) {
            prefetchedUnused[l] = false;
            if (insertedAt[l] >= warmupEnd) {
                meter.wasted(tab.layerSize[l]);
            }
        }
        if (exchange != null) {
            exchange.dropped(l);
        }
        policy.onEvict(l);
    }

    @Override
    public boolean prefetch(int l) {
        if (resident[l] || queued[l] || tab.layerSize[l] > budget) {
            return false;
        }
        if (qLive == 0) {
            prefetchClock = Math.max(prefetchClock, now);
            // drop stale entries so the in-flight head is the new layer
            qHead = 0;
            qSize = 0;
            headRemaining = -1;
        }
        if (qSize == ring.length) {
            long[] bigger = new long[ring.length * 2];
            for (int i = 0; i < qSize; i++) {
                bigger[i] = ring[(qHead + i) & (ring.length - 1)];
            }
            ring = bigger;
            qHead = 0;
        }
        queued[l] = true;
        queueGen[l]++;
        ring[(qHead + qSize) & (ring.length - 1)] = ((long) queueGen[l] << 32) | l;
        qSize++;
        qLive++;
        queuedBytes += tab.layerSize[l];
        return true;
    }

    @Override
    public long queuedPrefetchBytes() {
        return queuedBytes;
    }

    @Override
    public double now() {
        return now;
    }

    @Override
    public double measuredFrom() {
        return warmupEnd;
    }
}
