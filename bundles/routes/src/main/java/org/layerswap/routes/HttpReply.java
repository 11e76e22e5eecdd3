package org.layerswap.routes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON body of an HTTP ingest reply: {@code {"accepted":n,"rejected":m,"errors":[{"line":k,"reason":"..."}]}}
 * plus {@code "message"} when the request was refused, not committed, or carried no line. Invariant: nothing of the
 * request but line numbers and the validator's reasons (which never quote raw values) is reflected.
 */
final class HttpReply {

    private static final JsonFactory JSON = new JsonFactory();

    private HttpReply() {
    }

    static String json(IngestRoutes.Tally t, String message) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberField("accepted", t.accepted);
            g.writeNumberField("rejected", t.rejected);
            g.writeArrayFieldStart("errors");
            for (int i = 0; i < t.errorLines.size(); i++) {
                g.writeStartObject();
                g.writeNumberField("line", t.errorLines.get(i)[0]);
                g.writeStringField("reason", t.errorReasons.get(i));
                g.writeEndObject();
            }
            g.writeEndArray();
            if (message != null) {
                g.writeStringField("message", message);
            } else if (t.accepted == 0 && t.rejected == 0) {
                g.writeStringField("message", "no invocation lines in the request body");
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
