package org.layerswap.itests;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.layerswap.api.ImageConfig;
import org.layerswap.api.LayerId;
import org.layerswap.oci.format.OciLayoutWriter;

/**
 * An OCI image layout holding one image whose top layer's blob is a named pipe: whoever fetches
 * that layer blocks until {@link #release()} writes the real bytes. This lets a test watch a real
 * fetch while it is in flight, then finish it, without timing luck.
 */
final class HeldLayerImage implements AutoCloseable {

    final Path layout;
    final String reference;
    final LayerId base;
    final LayerId held;
    private final Path fifo;
    private final byte[] content;
    private volatile CompletableFuture<Void> feeding;

    private HeldLayerImage(Path layout, String reference, LayerId base, LayerId held, Path fifo, byte[] content) {
        this.layout = layout;
        this.reference = reference;
        this.base = base;
        this.held = held;
        this.fifo = fifo;
        this.content = content;
    }

    /** Writes the layout under {@code layout} with image {@code reference}; {@code marker} makes the held layer unique. */
    static HeldLayerImage create(Path layout, String reference, String marker) throws Exception {
        OciLayoutWriter w = OciLayoutWriter.create(layout);
        OciLayoutWriter.LayerBlob base = w.addLayer(true, t -> t.directory("etc/", 0755).file("etc/os-release", "ID=" + marker + "\n"));
        OciLayoutWriter.LayerBlob top = w.addLayer(true, t -> t.directory("app/", 0755)
                .file("app/" + marker + ".txt", 0644, (marker + "\n").getBytes(StandardCharsets.UTF_8)));
        w.addImage(reference, List.of(base, top), new ImageConfig(List.of("/bin/true"), List.of(), List.of(), "/"));
        LayerId held = top.descriptor().id();
        Path blob = layout.resolve("blobs").resolve(held.algorithm()).resolve(held.hex());
        byte[] bytes = Files.readAllBytes(blob);
        Files.delete(blob);
        Process mkfifo = new ProcessBuilder("mkfifo", blob.toString()).redirectErrorStream(true).start();
        String out = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!mkfifo.waitFor(30, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
            throw new IllegalStateException("mkfifo " + blob + " failed: " + out);
        }
        return new HeldLayerImage(layout, reference, base.descriptor().id(), held, blob, bytes);
    }

    /** Size of the held layer's blob, as its descriptor says. */
    long sizeBytes() {
        return content.length;
    }

    /** Lets the blocked fetch finish with the layer's real bytes; fails if nobody reads within the timeout. */
    void release(long timeout, TimeUnit unit) throws Exception {
        feed(content).get(timeout, unit);
    }

    /** Opening a pipe for writing blocks until a reader opens it, so the writing runs on its own thread. */
    private synchronized CompletableFuture<Void> feed(byte[] bytes) {
        if (feeding == null) {
            feeding = CompletableFuture.runAsync(() -> {
                try (OutputStream out = Files.newOutputStream(fifo)) {
                    out.write(bytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot write the held layer to " + fifo, e);
                }
            }, r -> {
                Thread t = new Thread(r, "held-layer-feeder");
                t.setDaemon(true);
                t.start();
            });
        }
        return feeding;
    }

    /** Never leaves a fetch blocked: an unreleased pipe gets end-of-file (the fetch then fails its digest check). */
    @Override
    public void close() {
        feed(new byte[0]);
    }
}
