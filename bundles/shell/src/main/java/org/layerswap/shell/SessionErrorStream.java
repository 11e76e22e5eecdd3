package org.layerswap.shell;

import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

import org.apache.karaf.shell.api.console.Session;

/**
 * Flushes the error stream a Karaf session was created with, which a command cannot reach
 * otherwise: {@code System.err} inside a command is gogo's per-pipe stream, written through a
 * {@code WritableByteChannel} whose flush stops at the channel.
 *
 * <p>Why: Karaf 4.4's SSH exec handler ({@code org.apache.karaf.shell.ssh.ShellCommand}) flushes the
 * session's console (stdout) but never its error stream before it reports the exit status and
 * closes the channel, so whatever a command wrote to stderr in batch mode stayed in the SSH
 * channel's buffer and was dropped ({@code bin/client -b 'layerswap:replay bogus:x'} printed
 * nothing). Karaf's API has no accessor for that stream: this reads it reflectively, from the
 * Karaf session's public {@code getSession()} (the gogo session) and its {@code err} field.
 *
 * <p>Best effort: when Karaf's classes change shape, nothing is flushed and the failure still has
 * its exit status.
 */
final class SessionErrorStream {

    private SessionErrorStream() {
    }

    /** Flushes the error stream of a Karaf {@link Session}; true when one was found and flushed. */
    static boolean flush(Object karafSession) {
        if (karafSession == null) {
            return false;
        }
        try {
            Method getSession = karafSession.getClass().getMethod("getSession");
            Object gogo = getSession.invoke(karafSession);
            Field err = field(gogo == null ? null : gogo.getClass(), "err");
            if (err == null) {
                return false;
            }
            err.setAccessible(true);
            if (err.get(gogo) instanceof OutputStream stream) {
                stream.flush();
                return true;
            }
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            // best effort (see the class comment)
        }
        return false;
    }

    private static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    return f;
                }
            }
        }
        return null;
    }
}
