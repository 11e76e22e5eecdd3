package org.layerswap.containerd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.layerswap.containerd.proto.cri.ImageServiceGrpc;
import org.layerswap.containerd.proto.cri.ImageSpec;
import org.layerswap.containerd.proto.cri.ListImagesRequest;
import org.layerswap.containerd.proto.cri.PullImageRequest;
import org.layerswap.containerd.proto.cri.RemoveImageRequest;
import org.layerswap.testkit.Await;

import io.grpc.StatusRuntimeException;

/**
 * An in-process client of containerd's CRI plugin (CRI {@code runtime.v1}, as the kubelet is one; tests only), on
 * containerd's own socket: the CRI plugin serves there beside containerd's services and works in its own namespace,
 * {@value #NAMESPACE}. A pull through it runs in containerd's process: its pull-time unpacker prepares each layer
 * labelled with the chain id and the layer digest, and fetches a layer's blob only when that Prepare did not answer
 * ALREADY_EXISTS.
 */
final class CriClient implements AutoCloseable {

    /** The containerd namespace the CRI plugin keeps its images, containers and snapshots in. */
    static final String NAMESPACE = "k8s.io";

    private final SocketClient socket;

    CriClient(Path containerdSocket) {
        this.socket = new SocketClient(containerdSocket);
    }

    private ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(socket.channel).withDeadlineAfter(300, TimeUnit.SECONDS);
    }

    /**
     * Waits until the CRI plugin serves (it answers "not initialized yet" for a moment after containerd's socket
     * appears); fails naming the last answer after {@code timeout}.
     */
    CriClient awaitReady(Duration timeout) {
        String[] last = {""};
        Await.until(timeout, () -> {
            try {
                images().listImages(ListImagesRequest.getDefaultInstance());
                return true;
            } catch (StatusRuntimeException e) {
                last[0] = e.getStatus().toString();
                return false;
            }
        }, () -> "containerd's CRI plugin serves ImageService: " + last[0]);
        return this;
    }

    /** CRI {@code PullImage}: {@code ref} pulled and unpacked by the CRI plugin's snapshotter; its image id (config digest). */
    String pull(String ref) {
        return images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build()).getImageRef();
    }

    /** CRI {@code RemoveImage}: every name of the image (tag, digest, id) goes; what it held is containerd's to collect. */
    void remove(String imageIdOrRef) {
        images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(imageIdOrRef)).build());
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
    }
}
