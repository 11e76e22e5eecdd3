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

    SnapshotsGrpc.SnapshotsStub async() {
        return SnapshotsGrpc.newStub(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
