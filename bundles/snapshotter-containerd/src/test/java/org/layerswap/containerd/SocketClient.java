package org.layerswap.containerd;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.layerswap.containerd.proto.snapshots.SnapshotsGrpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

/** A gRPC client on the snapshotter's Unix socket, as containerd's proxy is one (tests only). */
final class SocketClient implements AutoCloseable {

    private final EventLoopGroup group = new EpollEventLoopGroup(1);
    final ManagedChannel channel;

    SocketClient(Path socket) {
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
    }

    SnapshotsGrpc.SnapshotsBlockingStub blocking() {
        return SnapshotsGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /**
     * For containerd's own socket: requests in {@code namespace} under {@code lease} (containerd's gRPC headers),
     * which keeps what they create from containerd's garbage collection until the lease goes, as a pull's lease does.
     */
    SnapshotsGrpc.SnapshotsBlockingStub blocking(String namespace, String lease) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("containerd-namespace", io.grpc.Metadata.ASCII_STRING_MARSHALLER), namespace);
        headers.put(io.grpc.Metadata.Key.of("containerd-lease", io.grpc.Metadata.ASCII_STRING_MARSHALLER), lease);
        return blocking().withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    SnapshotsGrpc.SnapshotsStub async() {
        return SnapshotsGrpc.newStub(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
