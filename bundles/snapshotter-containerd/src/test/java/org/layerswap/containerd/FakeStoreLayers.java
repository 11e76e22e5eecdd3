package org.layerswap.containerd;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.layerswap.api.LayerId;
import org.layerswap.api.LayerLease;

/** Store layers as plain directories with counted pins (unit tests; the end-to-end test uses the real store). */
final class FakeStoreLayers implements StoreLayers {

    final Map<LayerId, Path> resident = new HashMap<>();
    final Map<LayerId, AtomicInteger> pins = new HashMap<>();

    @Override
    public Optional<LayerLease> lease(LayerId id) {
        Path p = resident.get(id);
        if (p == null) {
            return Optional.empty();
        }
        AtomicInteger n = pins.computeIfAbsent(id, k -> new AtomicInteger());
        n.incrementAndGet();
        return Optional.of(new LayerLease() {
            boolean closed;

            @Override
            public LayerId id() {
                return id;
            }

            @Override
            public Path path() {
                return p;
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    n.decrementAndGet();
                }
            }
        });
    }

    int pins(LayerId id) {
        return pins.getOrDefault(id, new AtomicInteger()).get();
    }
}
