package org.layerswap.oci.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Strict JSON for OCI documents and registry answers, on Jackson. Invariants of every read: one
 * standard JSON value and nothing after it (no comments, NaN or trailing tokens), no object with a
 * repeated key (two parsers must never see two different manifests in one digest), at most
 * {@link #MAX_NESTING_DEPTH} nested arrays/objects. Errors are {@link IllegalArgumentException}s that
 * name the offset and what was wrong. Untyped reads give {@link java.util.LinkedHashMap}s,
 * {@link java.util.ArrayList}s, {@link Long}s (an integer beyond a long is refused) and
 * {@link java.math.BigDecimal}s; writes are compact and keep a map's iteration order.
 */
public final class Json {

    /** The deepest nesting of arrays and objects a document may have. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_LONG_FOR_INTS,
                    DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static final TypeReference<Object> ANY = new TypeReference<>() { };

    /** Trees keep integers beyond a long as they are, so a reader can say which field is out of range. */
    private static final ObjectReader TREES = MAPPER.readerFor(JsonNode.class).without(DeserializationFeature.USE_LONG_FOR_INTS);

    private Json() {
    }

    public static Object parse(String text) {
        try {
            return MAPPER.readValue(text, ANY);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    /** The document as a map; refused unless it is a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object o = parse(text);
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("JSON document is not an object");
        }
        return (Map<String, Object>) o;
    }

    /** The document as a tree whose root is an object (for the OCI readers, which check each field's type). */
    static JsonNode object(byte[] document) {
        JsonNode root;
        try {
            root = TREES.readTree(document);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no I/O
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("JSON document is not an object"
                    + (root == null || root.isMissingNode() ? " (empty)" : " (" + root.getNodeType().name().toLowerCase() + ")"));
        }
        return root;
    }

    /** Compact JSON of maps, iterables, strings, numbers, booleans and null; maps keep their iteration order. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static IllegalArgumentException malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = "";
        if (at != null) {
            long offset = at.getCharOffset() >= 0 ? at.getCharOffset() : at.getByteOffset();
            where = " at offset " + offset + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return new IllegalArgumentException("malformed JSON" + where + ": " + e.getOriginalMessage(), e);
    }
}
