package org.layerswap.persistence.api;

import java.util.Objects;

/**
 * An input that could not be processed.
 *
 * @param source  where it came from (file name, topic, endpoint)
 * @param lineNo  its position in the source, or -1
 * @param payload the raw input (truncated to 8000 characters when stored)
 * @param reason  why it was rejected
 */
public record DeadLetterRow(long id, long timestampMillis, String source, long lineNo, String payload, String reason) {
    public DeadLetterRow {
        source = Objects.requireNonNullElse(source, "");
        payload = Objects.requireNonNullElse(payload, "");
        reason = Objects.requireNonNullElse(reason, "");
    }
}
