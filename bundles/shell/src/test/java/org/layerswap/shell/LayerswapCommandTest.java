package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LayerswapCommandTest {

    /** A command whose body is given by the test. */
    private static final class Probe extends LayerswapCommand {
        interface Body {
            void run() throws Exception;
        }

        private final Body body;

        Probe(Body body) {
            this.body = body;
        }

        @Override
        void run() throws Exception {
            body.run();
        }
    }

    private static Console run(Probe command, org.apache.karaf.shell.api.console.Session session) throws Exception {
        command.session = session;
        return Console.run(command::execute);
    }

    @Test
    void aFailureInABatchSessionIsOneErrorLineOnStderrAndExitStatusOne() throws Exception {
        Console c = run(new Probe(() -> {
            throw new CommandFailure("no swap manager is running (feature layerswap-swap)");
        }), Sessions.batch());

        assertEquals(1, c.result());
        assertEquals("", c.out());
        assertEquals("Error: no swap manager is running (feature layerswap-swap)" + System.lineSeparator(), c.err());
    }

    @Test
    void aFailureInAnInteractiveSessionPrintsTheSameLineAndReturnsNothingForTheConsoleToPrint() throws Exception {
        Console c = run(new Probe(() -> {
            throw new IllegalArgumentException("unknown predictor 'nope'");
        }), Sessions.interactive());

        assertNull(c.result());
        assertEquals("", c.out());
        assertEquals("Error: unknown predictor 'nope'", c.err().strip());
    }

    @Test
    void aServiceRefusalAndAnIoFailureAreFailuresToo() throws Exception {
        Console refused = run(new Probe(() -> {
            throw new IllegalStateException("store is closed");
        }), Sessions.batch());
        Console io = run(new Probe(() -> {
            throw new IOException("disk full");
        }), Sessions.batch());

        assertEquals(1, refused.result());
        assertEquals("Error: store is closed", refused.err().strip());
        assertEquals(1, io.result());
        assertEquals("Error: IOException: disk full", io.err().strip());
    }

    @Test
    void aSuccessReturnsNothingInEitherSessionAndLeavesStderrAlone() throws Exception {
        for (var session : new org.apache.karaf.shell.api.console.Session[] {Sessions.batch(), Sessions.interactive(), null}) {
            Console c = run(new Probe(() -> System.out.println("done")), session);
            assertNull(c.result());
            assertEquals("done", c.out().strip());
            assertEquals("", c.err());
        }
    }

    @Test
    void anUnexpectedRuntimeExceptionIsLeftToKarafWhichPrintsAndLogsItWithExitStatusOne() {
        NullPointerException bug = new NullPointerException("a bug");
        Probe probe = new Probe(() -> {
            throw bug;
        });
        probe.session = Sessions.batch();

        assertSame(bug, assertThrows(NullPointerException.class, probe::execute));
    }

    @Test
    void theErrorLineIsFlushedBeforeTheCommandReturnsSoAClosingExecChannelCannotLoseIt() throws Exception {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        // like Karaf's per-session error stream: buffered, not auto-flushed
        PrintStream buffered = new PrintStream(new BufferedOutputStream(sink, 8192), false, StandardCharsets.UTF_8);
        Probe probe = new Probe(() -> {
            throw new CommandFailure("lost?");
        });
        probe.session = Sessions.batch();
        try {
            System.setErr(buffered);
            probe.execute();
        } finally {
            System.setErr(oldErr);
        }
        assertEquals("Error: lost?", sink.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void aSessionWithoutTerminalIsBatchAndNoSessionIsNot() {
        assertEquals(true, LayerswapCommand.batch(Sessions.batch()));
        assertEquals(false, LayerswapCommand.batch(Sessions.interactive()));
        assertEquals(false, LayerswapCommand.batch(null));
    }
}
