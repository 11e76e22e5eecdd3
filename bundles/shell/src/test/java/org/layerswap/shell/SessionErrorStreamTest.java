package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SessionErrorStreamTest {

    /** Shaped like gogo's CommandSessionImpl: the stream it was created with in a protected field. */
    public static class GogoSession {
        protected OutputStream err;
    }

    /** Shaped like Karaf's HeadlessSessionImpl: a public getSession() returning the gogo session. */
    public static class KarafSession {
        final GogoSession gogo = new GogoSession();

        public GogoSession getSession() {
            return gogo;
        }
    }

    @Test
    void theErrorStreamTheSessionWasCreatedWithIsFlushed() {
        ByteArrayOutputStream channel = new ByteArrayOutputStream();
        KarafSession session = new KarafSession();
        PrintStream err = new PrintStream(new BufferedOutputStream(channel, 8192), false, StandardCharsets.UTF_8);
        session.gogo.err = err;
        err.print("Error: unknown predictor 'nope'\n");
        assertEquals("", channel.toString(StandardCharsets.UTF_8), "buffered until flushed, like an SSH channel stream");

        assertTrue(SessionErrorStream.flush(session));

        assertEquals("Error: unknown predictor 'nope'\n", channel.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSessionOfAnotherShapeIsLeftAloneWithoutFailing() {
        assertFalse(SessionErrorStream.flush(null));
        assertFalse(SessionErrorStream.flush(new Object()));
        assertFalse(SessionErrorStream.flush(new KarafSession()), "no stream set");
    }
}
