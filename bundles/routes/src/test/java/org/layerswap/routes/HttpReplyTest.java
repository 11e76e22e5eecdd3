package org.layerswap.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HttpReplyTest {

    @Test
    void aReplyListsTheCountsAndEachRefusedLineWithItsReason() {
        IngestRoutes.Tally t = new IngestRoutes.Tally("http", null);
        t.accepted = 2;
        t.rejected = 1;
        t.errorLines.add(new long[] {3});
        t.errorReasons.add("missing \"function\"");
        assertEquals("{\"accepted\":2,\"rejected\":1,\"errors\":[{\"line\":3,\"reason\":\"missing \\\"function\\\"\"}]}",
                HttpReply.json(t, null));
    }

    @Test
    void anEmptyBodyOrARefusalCarriesAMessage() {
        IngestRoutes.Tally t = new IngestRoutes.Tally("http", null);
        assertEquals("{\"accepted\":0,\"rejected\":0,\"errors\":[],\"message\":\"no invocation lines in the request body\"}",
                HttpReply.json(t, null));
        assertEquals("{\"accepted\":0,\"rejected\":0,\"errors\":[],\"message\":\"not committed\"}", HttpReply.json(t, "not committed"));
    }
}
