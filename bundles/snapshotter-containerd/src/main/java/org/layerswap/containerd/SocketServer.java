package org.layerswap.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

/**
 * A gRPC server on a Unix socket (grpc-netty-shaded's epoll transport), as containerd's
 * {@code [proxy_plugins.<name>] address} expects. The socket's directory is created 0700 when missing; a
 * socket file left by an earlier process is replaced (a regular file or directory there is refused); the
 * socket gets {@code mode} right after binding, before containerd is told about it, and is deleted on close.
 * Who may connect is decided by the mode: 0600 (root only) or 0660 (root and the socket's group).
 */
public final class SocketServer implements AutoCloseable {

    /** Unix socket paths are limited to 107 bytes (sun_path). */
    static final int MAX_PATH = 107;

    private final Path socket;
    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    private SocketServer(Path socket, Server server, EventLoopGroup boss, EventLoopGroup workers) {
        this.socket = socket;
        this.server = server;
        this.boss = boss;
        this.workers = workers;
    }

    public static SocketServer start(Path socket, Set<PosixFilePermission> mode, BindableService... services) throws IOException {
        Path s = socket.toAbsolutePath().normalize();
        if (s.toString().length() > MAX_PATH) {
            throw new IllegalArgumentException("socket path is longer than " + MAX_PATH + " bytes (a Unix socket limit): " + s);
        }
        if (!Epoll.isAvailable()) {
            throw new IOException("the epoll transport is not available for a Unix socket: " + Epoll.unavailabilityCause());
        }
        Path dir = s.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        if (Files.exists(s, LinkOption.NOFOLLOW_LINKS)) {
            int type = (Integer) Files.getAttribute(s, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            if (type != 0140000) { // S_IFSOCK
                throw new IOException("refusing to replace " + s + ": it exists and is not a socket");
            }
            Files.delete(s);
        }
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup(2);
        NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(s.toString()))
                .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(boss).workerEventLoopGroup(workers);
        for (BindableService svc : services) {
            b.addService(svc);
        }
        Server server;
        try {
            server = b.build().start();
            Files.setPosixFilePermissions(s, mode);
        } catch (IOException | RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot serve on " + s + ": " + e.getMessage(), e);
        }
        return new SocketServer(s, server, boss, workers);
    }

    public Path socket() {
        return socket;
    }

    /** Stops accepting, gives running calls up to 5 s, then cuts them; deletes the socket. */
    @Override
    public void close() throws IOException {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            Files.deleteIfExists(socket);
        }
    }
}
