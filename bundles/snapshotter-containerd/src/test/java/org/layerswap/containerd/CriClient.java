package org.layerswap.containerd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.layerswap.containerd.proto.cri.ContainerConfig;
import org.layerswap.containerd.proto.cri.ContainerMetadata;
import org.layerswap.containerd.proto.cri.CreateContainerRequest;
import org.layerswap.containerd.proto.cri.ImageServiceGrpc;
import org.layerswap.containerd.proto.cri.ImageSpec;
import org.layerswap.containerd.proto.cri.ImageStatusRequest;
import org.layerswap.containerd.proto.cri.LinuxPodSandboxConfig;
import org.layerswap.containerd.proto.cri.LinuxSandboxSecurityContext;
import org.layerswap.containerd.proto.cri.ListImagesRequest;
import org.layerswap.containerd.proto.cri.NamespaceMode;
import org.layerswap.containerd.proto.cri.NamespaceOption;
import org.layerswap.containerd.proto.cri.PodSandboxConfig;
import org.layerswap.containerd.proto.cri.PodSandboxMetadata;
import org.layerswap.containerd.proto.cri.PullImageRequest;
import org.layerswap.containerd.proto.cri.RemoveImageRequest;
import org.layerswap.containerd.proto.cri.RemovePodSandboxRequest;
import org.layerswap.containerd.proto.cri.RunPodSandboxRequest;
import org.layerswap.containerd.proto.cri.RuntimeServiceGrpc;
import org.layerswap.containerd.proto.cri.StartContainerRequest;
import org.layerswap.containerd.proto.cri.StopPodSandboxRequest;
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

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(socket.channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    /**
     * A pod's sandbox config as the kubelet sends it for a host-network pod (no CNI needed): its containers' logs go
     * under {@code logDirectory}.
     */
    static PodSandboxConfig hostNetworkPod(String name, Path logDirectory) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setUid(name + "-uid").setNamespace("default"))
                .setLogDirectory(logDirectory.toString()) // no hostname: a host-network pod shares the host's UTS namespace
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
                .build();
    }

    /** CRI {@code RunPodSandbox}: the sandbox (its pause container, from the plugin's {@code sandbox_image}) runs; its id. */
    String runPodSandbox(PodSandboxConfig pod) {
        return runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
    }

    /**
     * CRI {@code CreateContainer} then {@code StartContainer}: {@code image} (present in CRI's image store) with its own
     * entrypoint and command, its output logged to {@code logPath} under the pod's log directory; the container's id.
     */
    String createAndStart(String sandboxId, PodSandboxConfig pod, String name, String image, String logPath) {
        String id = runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(sandboxId).setSandboxConfig(pod)
                .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                        .setImage(ImageSpec.newBuilder().setImage(image)).setLogPath(logPath))
                .build()).getContainerId();
        runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    /**
     * CRI {@code StopPodSandbox} then {@code RemovePodSandbox}: its containers are killed and removed with it. A stop
     * is tried up to three times, as the kubelet retries it: containerd 1.6 may answer "ttrpc: closed" when the pod's
     * shim goes away while it kills the sandbox (its last task), and a second stop then finds everything stopped.
     */
    void removePod(String sandboxId) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
                break;
            } catch (StatusRuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                Thread.sleep(100L * attempt);
            }
        }
        runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    }

    /** CRI {@code PullImage}: {@code ref} pulled and unpacked by the CRI plugin's snapshotter; its image id (config digest). */
    String pull(String ref) {
        return images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build()).getImageRef();
    }

    /**
     * CRI {@code ImageStatus}, as the kubelet asks before pulling with {@code IfNotPresent}: the image's id, or "" when
     * CRI does not have it.
     */
    String imageStatus(String ref) {
        return images().imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build()).getImage().getId();
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
