package org.layerswap.swap;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.api.ComposedRoot;
import org.layerswap.api.FilesystemBackend;
import org.layerswap.api.LayerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets eviction reach layers that only idle roots hold. A composed root pins its layers in the store, so without this a
 * function with a root would never lose a layer to any eviction rule. {@link #releasable} names the layers every
 * holder of which is an idle root (no invocation on any of its generations, by the backend's lease count; shadow
 * roots never count as idle: a rollout is running); {@link #release} retires those roots (forgotten by the manager,
 * removed from the backend, pins closed) so that the layer can be evicted. The next invocation of such a function
 * composes its root again (after fetching the evicted layer on demand).
 *
 * <p>Invariants: a root with an invocation inside is never released (it stays pinned); a root is released under its
 * {@link RootComposer#lock}; its pins are closed at once only when the backend tore down every generation of it
 * ({@code remove} returned true), otherwise they are superseded and released by the usual delayed scan.
 */
final class IdleRoots {

    private static final Logger LOG = LoggerFactory.getLogger(IdleRoots.class);

    private final RootComposer roots;
    private final PinLedger pins;
    private final AtomicLong released = new AtomicLong();

    IdleRoots(RootComposer roots, PinLedger pins) {
        this.roots = Objects.requireNonNull(roots, "roots");
        this.pins = Objects.requireNonNull(pins, "pins");
    }

    /** Layers held by roots only when every one of those roots is idle (an eviction may then take them). */
    Set<LayerId> releasable() {
        Map<String, RootComposer.Root> all = roots.roots();
        if (all.isEmpty()) {
            return Set.of();
        }
        Map<String, Integer> active = activeLeases(all);
        Map<LayerId, Boolean> ok = new HashMap<>();
        all.forEach((key, r) -> {
            boolean idle = isIdle(key, active);
            for (LayerId l : r.layers()) {
                ok.merge(l, idle, Boolean::logicalAnd);
            }
        });
        Set<LayerId> out = new HashSet<>();
        ok.forEach((l, idle) -> {
            if (idle) {
                out.add(l);
            }
        });
        return out;
    }

    /**
     * Retires every idle root holding {@code victim} before it is evicted. True when no root holds it any more (every
     * holder was idle and torn down), false when one stays (in use, a shadow, or still draining).
     */
    boolean release(LayerId victim) {
        boolean free = true;
        for (Map.Entry<String, RootComposer.Root> e : roots.roots().entrySet()) {
            if (!e.getValue().layers().contains(victim)) {
                continue;
            }
            String key = e.getKey();
            synchronized (roots.lock(key)) { // a function root's lock is its function's; a variant's is its key's
                RootComposer.Root r = roots.root(key);
                if (r == null || !r.layers().contains(victim)) {
                    continue;
                }
                if (!isIdle(key, activeLeases(Map.of(key, r)))) {
                    free = false;
                    continue;
                }
                roots.forget(key);
                boolean now;
                try {
                    now = r.backend().remove(key);
                } catch (IOException | RuntimeException ex) {
                    LOG.warn("releasing the idle root {}: {}", key, ex.toString());
                    now = false;
                }
                if (now) {
                    pins.releaseAll(key);
                } else {
                    pins.supersede(key, 0);
                    free = false;
                }
                released.incrementAndGet();
                LOG.info("released the idle root {} ({} backend) so that its layer {} can be evicted", key, r.backend().name(), victim);
            }
        }
        return free;
    }

    /** Idle roots released so far. */
    long released() {
        return released.get();
    }

    private static boolean isIdle(String key, Map<String, Integer> active) {
        return !key.endsWith(SwapManagerCore.SHADOW_SUFFIX) && active.getOrDefault(key, 0) == 0;
    }

    private static Map<String, Integer> activeLeases(Map<String, RootComposer.Root> of) {
        Map<String, Integer> out = new HashMap<>();
        Set<FilesystemBackend> seen = new HashSet<>();
        for (RootComposer.Root r : of.values()) {
            if (seen.add(r.backend())) {
                for (ComposedRoot c : r.backend().composed()) {
                    out.merge(c.functionId(), c.activeLeases(), Integer::sum);
                }
            }
        }
        return out;
    }
}
