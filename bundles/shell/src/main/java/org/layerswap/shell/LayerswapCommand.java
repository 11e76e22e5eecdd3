package org.layerswap.shell;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;

/**
 * The one failure path of every {@code layerswap:*} command, in the interactive console and in
 * batch (an SSH exec channel: {@code bin/client -b}, {@code bin/layerswap-client},
 * {@code ssh -p 8101 karaf@host 'layerswap:...'}).
 *
 * <p>A command's {@link #run()} throws on failure: {@link CommandFailure} (or an
 * {@link IllegalArgumentException} / {@link IllegalStateException} from the service it called, the
 * pipeline's way of refusing an input) and I/O failures ({@link IOException}, {@link UncheckedIOException}). This
 * class prints {@code Error: <message>} on the session's error stream and flushes it, then:
 * <ul>
 *   <li>in an interactive session (one with a terminal) returns {@code null}: the console shows the
 *       error line and nothing else, as it always did;</li>
 *   <li>in a batch session (Karaf creates exec sessions without a terminal) returns
 *       {@link #EXIT_FAILURE}: Karaf's SSH exec handler ({@code ShellCommand}) makes an
 *       {@code Integer} result the channel's exit status, so the client exits non-zero with the
 *       error on stderr and nothing on stdout.</li>
 * </ul>
 * Why not just throw to Karaf: it would print its own {@code Error executing command: ...} on the
 * session's <em>standard</em> stream (the console), so scripts could not tell output from failure.
 * Why flush: an SSH exec channel is closed right after the command returns, and Karaf does not
 * flush the session's error stream: the error line was silently lost (the old "prints nothing");
 * {@link SessionErrorStream} pushes it out.
 *
 * <p>An unexpected {@link RuntimeException} (a bug) is not caught: Karaf prints it, logs its stack
 * trace in karaf.log and exits 1.
 */
abstract class LayerswapCommand implements Action {

    /** The exit status of a failed command in a batch session. */
    static final Integer EXIT_FAILURE = 1;

    /** The calling session; Karaf injects it (also into subclasses' superclass fields). Null in unit tests. */
    @Reference
    Session session;

    /** The command's work; throws to fail (see the class comment). */
    abstract void run() throws Exception;

    @Override
    public final Object execute() throws Exception {
        try {
            run();
            return null;
        } catch (CommandFailure | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            return failed(e.getMessage());
        } catch (RuntimeException bug) {
            throw bug;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } finally {
            System.out.flush();
            System.err.flush();
            if (batch(session)) {
                SessionErrorStream.flush(session); // also a successful command's warnings and progress
            }
        }
    }

    private Object failed(String message) {
        System.err.println("Error: " + message);
        return batch(session) ? EXIT_FAILURE : null;
    }

    /** True for a session without a terminal: Karaf's SSH exec sessions (and other headless ones). */
    static boolean batch(Session session) {
        return session != null && session.getTerminal() == null;
    }
}
