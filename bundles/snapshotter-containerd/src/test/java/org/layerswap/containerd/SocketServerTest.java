package org.layerswap.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.containerd.proto.snapshots.StatSnapshotRequest;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

class SocketServerTest {

    @TempDir
    Path dir;

    SnapshotsService service() throws IOException {
        return new SnapshotsService(new Snapshotter(dir.resolve("root"), Clock.systemUTC()));
    }

    @Test
    void theSocketGetsTheConfiguredModeInAPrivateDirectoryAndIsGoneAfterClose() throws Exception {
        Path socket = dir.resolve("run/ls.sock");
        try (SocketServer s = SocketServer.start(socket, PosixFilePermissions.fromString("rw-------"), service())) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
        }
        assertFalse(Files.exists(socket));
        try (SocketServer s = SocketServer.start(socket, PosixFilePermissions.fromString("rw-rw----"), service())) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        }
    }

    @Test
    void aSocketLeftByAnEarlierProcessIsReplacedAndServes() throws Exception {
        Path socket = dir.resolve("ls.sock");
        try (var old = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            old.bind(java.net.UnixDomainSocketAddress.of(socket)); // closing does not unlink: a crashed server's socket
        }
        assertTrue(Files.exists(socket));
        try (SocketServer s = SocketServer.start(socket, PosixFilePermissions.fromString("rw-------"), service());
             SocketClient c = new SocketClient(socket)) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> c.blocking().stat(StatSnapshotRequest.newBuilder().setKey("x").build()));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        }
    }

    @Test
    void aRegularFileAtTheSocketPathIsNeverReplaced() throws Exception {
        Path file = Files.writeString(dir.resolve("important"), "data");
        IOException e = assertThrows(IOException.class,
                () -> SocketServer.start(file, PosixFilePermissions.fromString("rw-------"), service()));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("data", Files.readString(file));
    }

    @Test
    void aPathOverTheUnixSocketLimitIsRefusedNamingIt() {
        Path longPath = dir.resolve("x".repeat(120) + ".sock");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SocketServer.start(longPath, PosixFilePermissions.fromString("rw-------"), service()));
        assertTrue(e.getMessage().contains("107"), e.getMessage());
    }
}
