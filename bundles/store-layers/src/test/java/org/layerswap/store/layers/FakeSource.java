package org.layerswap.store.layers;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.layerswap.api.ImageManifest;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.LayerSource;
import org.layerswap.api.LayerSourceException;
import org.layerswap.oci.format.Digests;

/** In-memory layer source for unit tests: optional per-read delay, gates, corruption, and a log of opens. */
final class FakeSource implements LayerSource {

    record Open(LayerId id, long offset, String thread) {
    }

    final Map<LayerId, byte[]> blobs = new ConcurrentHashMap<>();
    final List<Open> opens = new CopyOnWriteArrayList<>();
    final Map<LayerId, Integer> delayPerChunkMillis = new ConcurrentHashMap<>();
    final AtomicInteger corruptNext = new AtomicInteger();
    /** A layer with a gate here is not served before the gate opens (its download waits in {@link #openBlob}). */
    final Map<LayerId, java.util.concurrent.CountDownLatch> gates = new ConcurrentHashMap<>();

    LayerDescriptor add(byte[] blob) {
        LayerId id = LayerId.of(Digests.sha256(blob));
        blobs.put(id, blob);
        return new LayerDescriptor(id, blob.length, "application/vnd.oci.image.layer.v1.tar+gzip");
    }

    /** Adds a gzip layer holding one file {@code name} of {@code size} random bytes (incompressible, seeded by the name). */
    LayerDescriptor addRandomLayer(String name, int size) throws IOException {
        byte[] data = new byte[size];
        new java.util.Random(name.hashCode()).nextBytes(data);
        return add(new Tars().file(name, 0644, data, 0, 0, 1_600_000_000L).gzip());
    }

    long opens(LayerId id) {
        return opens.stream().filter(o -> o.id.equals(id)).count();
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public ImageManifest resolve(String imageReference) throws LayerSourceException {
        throw new LayerSourceException("fake source resolves nothing", false);
    }

    @Override
    public InputStream openBlob(String repository, LayerDescriptor layer, long offset) throws LayerSourceException {
        byte[] b = blobs.get(layer.id());
        if (b == null) {
            throw new LayerSourceException("fake: no blob " + layer.id(), false);
        }
        java.util.concurrent.CountDownLatch gate = gates.get(layer.id());
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LayerSourceException("fake: interrupted while " + layer.id() + " waited for its gate", false);
            }
        }
        opens.add(new Open(layer.id(), offset, Thread.currentThread().getName()));
        byte[] copy = b.clone();
        if (corruptNext.getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
            copy[copy.length / 2] ^= 0x40;
        }
        InputStream in = new ByteArrayInputStream(copy, (int) offset, copy.length - (int) offset);
        Integer delay = delayPerChunkMillis.get(layer.id());
        if (delay == null) {
            return in;
        }
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                return super.read(buf, off, Math.min(len, 16 * 1024));
            }
        };
    }
}
