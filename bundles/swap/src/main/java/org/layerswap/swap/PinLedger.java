package org.layerswap.swap;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.layerswap.api.LayerLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store pins (layer leases) of every root generation, per backend key.
 *
 * <p>Invariants: the newest committed generation of a key is never superseded by anything but a newer commit or
 * {@link #supersede}; the leases of a superseded generation are closed only once {@code releaseDelayNanos} passed
 * since it was superseded AND the backend reports no invocation on the key's function (the delay covers the
 * backend's grace period), or at {@link #closeAll}. Time comes from the injected {@code nanoClock}.
 */
final class PinLedger {

    private static final Logger LOG = LoggerFactory.getLogger(PinLedger.class);

    private static final class Pins {
        final long generation;
        final List<LayerLease> leases;
        long supersededAtNanos = -1;

        Pins(long generation, List<LayerLease> leases) {
            this.generation = generation;
            this.leases = leases;
        }
    }

    private final ConcurrentHashMap<String, Deque<Pins>> pins = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final long releaseDelayNanos;

    PinLedger(LongSupplier nanoClock, long releaseDelayNanos) {
        if (releaseDelayNanos < 0) {
            throw new IllegalArgumentException("pin release delay must be >= 0 ns, got " + releaseDelayNanos);
        }
        this.nanoClock = nanoClock == null ? System::nanoTime : nanoClock;
        this.releaseDelayNanos = releaseDelayNanos;
    }

    long releaseDelayNanos() {
        return releaseDelayNanos;
    }

    /** {@code generation} of {@code key} is now current, pinned by {@code leases}: every older one is superseded. */
    void commit(String key, long generation, List<LayerLease> leases) {
        Deque<Pins> d = pins.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (d) {
            markSuperseded(d, nanoClock.getAsLong());
            d.addLast(new Pins(generation, List.copyOf(leases)));
        }
    }

    /**
     * The root {@code key} was removed: its generations are superseded; their pins are released {@code extraDelayNanos}
     * later than usual (a shadow root's last invocations may still be running on it).
     */
    void supersede(String key, long extraDelayNanos) {
        Deque<Pins> d = pins.get(key);
        if (d != null) {
            synchronized (d) {
                markSuperseded(d, nanoClock.getAsLong() + extraDelayNanos);
            }
        }
    }

    private static void markSuperseded(Deque<Pins> d, long at) {
        for (Pins p : d) {
            if (p.supersededAtNanos < 0) {
                p.supersededAtNanos = at;
            }
        }
    }

    /**
     * Closes the leases of generations superseded at least the release delay ago whose function has no active
     * invocation ({@code activeByFunction}, keyed like the ledger; a missing key counts as none). Returns how many
     * generations were released.
     */
    int releaseStale(Map<String, Integer> activeByFunction) {
        long now = nanoClock.getAsLong();
        int released = 0;
        for (Map.Entry<String, Deque<Pins>> e : pins.entrySet()) {
            Deque<Pins> d = e.getValue();
            synchronized (d) {
                for (Iterator<Pins> it = d.iterator(); it.hasNext(); ) {
                    Pins p = it.next();
                    if (p.supersededAtNanos >= 0 && now - p.supersededAtNanos >= releaseDelayNanos
                            && activeByFunction.getOrDefault(e.getKey(), 0) == 0) {
                        p.leases.forEach(PinLedger::closeQuietly);
                        it.remove();
                        released++;
                    }
                }
            }
        }
        return released;
    }

    /**
     * Closes every lease of {@code key} now: only when its backend has torn down all of its generations (an idle root
     * released for an eviction, see {@link IdleRoots}). Returns how many generations were released.
     */
    int releaseAll(String key) {
        Deque<Pins> d = pins.remove(key);
        if (d == null) {
            return 0;
        }
        synchronized (d) {
            int n = d.size();
            for (Pins p : d) {
                p.leases.forEach(PinLedger::closeQuietly);
            }
            d.clear();
            return n;
        }
    }

    /** The generations of {@code key} still pinned, oldest first. */
    List<Long> pinnedGenerations(String key) {
        Deque<Pins> d = pins.get(key);
        if (d == null) {
            return List.of();
        }
        synchronized (d) {
            return d.stream().map(p -> p.generation).toList();
        }
    }

    /** Closes every lease (the manager is closing). */
    void closeAll() {
        for (Deque<Pins> d : pins.values()) {
            synchronized (d) {
                for (Pins p : d) {
                    p.leases.forEach(PinLedger::closeQuietly);
                }
                d.clear();
            }
        }
    }

    static void closeQuietly(LayerLease l) {
        try {
            l.close();
        } catch (RuntimeException e) {
            LOG.debug("closing layer lease {}: {}", l.id(), e.toString());
        }
    }
}
