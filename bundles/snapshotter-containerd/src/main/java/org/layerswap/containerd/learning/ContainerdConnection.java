package org.layerswap.containerd.learning;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.layerswap.containerd.proto.containers.ContainersGrpc;
import org.layerswap.containerd.proto.containers.GetContainerRequest;
import org.layerswap.containerd.proto.content.ContentGrpc;
import org.layerswap.containerd.proto.images.ImagesGrpc;
import org.layerswap.containerd.proto.events.EventsGrpc;
import org.layerswap.containerd.proto.leases.LeasesGrpc;
import org.layerswap.containerd.proto.snapshots.SnapshotsGrpc;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

/**
 * A gRPC client on containerd's own socket ({@code [grpc] address}, e.g. {@code /run/containerd/containerd.sock}):
 * its events, containers, content, images, leases and snapshots services. Requests name their namespace (and lease) in containerd's
 * headers. The channel reconnects by itself when containerd restarts; unary calls have a deadline of
 * {@value #DEADLINE_SECONDS} s.
 */
public final class ContainerdConnection implements ContainerLookup, AutoCloseable {

    static final int DEADLINE_SECONDS = 20;
    static final Metadata.Key<String> NAMESPACE = Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> LEASE = Metadata.Key.of("containerd-lease", Metadata.ASCII_STRING_MARSHALLER);

    private final EventLoopGroup group = new EpollEventLoopGroup(1);
    private final ManagedChannel channel;
    private final Path socket;

    public ContainerdConnection(Path socket) {
        this.socket = socket;
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
    }

    public Path socket() {
        return socket;
    }

    public EventsGrpc.EventsBlockingStub events() {
        return EventsGrpc.newBlockingStub(channel);
    }

    public SnapshotsGrpc.SnapshotsBlockingStub snapshots(String namespace, String lease) {
        return scoped(SnapshotsGrpc.newBlockingStub(channel), namespace, lease);
    }

    /** The content service (its Write is a stream: asynchronous stub), writes held by {@code lease}. */
    public ContentGrpc.ContentStub content(String namespace, String lease) {
        return scoped(ContentGrpc.newStub(channel), namespace, lease);
    }

    public ContentGrpc.ContentBlockingStub contentInfo(String namespace) {
        return scoped(ContentGrpc.newBlockingStub(channel), namespace, null);
    }

    public ImagesGrpc.ImagesBlockingStub images(String namespace) {
        return scoped(ImagesGrpc.newBlockingStub(channel), namespace, null);
    }

    public LeasesGrpc.LeasesBlockingStub leases(String namespace) {
        return scoped(LeasesGrpc.newBlockingStub(channel), namespace, null);
    }

    /** The container's image and labels, or empty when containerd does not know it (any more). */
    @Override
    public Optional<ContainerRef> find(String namespace, String containerId) {
        try {
            var c = scoped(ContainersGrpc.newBlockingStub(channel), namespace, null)
                    .get(GetContainerRequest.newBuilder().setId(containerId).build()).getContainer();
            return Optional.of(new ContainerRef(c.getImage(), c.getLabelsMap()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static <S extends AbstractStub<S>> S scoped(S stub, String namespace, String lease) {
        Metadata h = new Metadata();
        h.put(NAMESPACE, namespace);
        if (lease != null) {
            h.put(LEASE, lease);
        }
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h)).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
