package org.layerswap.workload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.layerswap.api.InvocationEvent;

/**
 * The project's own invocation log, in two encodings, with a streaming reader and a writer.
 *
 * <ul>
 *   <li>JSON lines: one object per line,
 *       {@code {"function":"f","timestamp":1700000000000,"params":{"k":"v"},"tenant":"t"}}; the timestamp
 *       is epoch milliseconds or an ISO-8601 instant ({@code "2024-05-01T10:00:00Z"}); {@code params} and
 *       {@code tenant} are optional ({@code functionId} and {@code user} are accepted as aliases).</li>
 *   <li>CSV: {@code function,timestamp,tenant,k=v;k=v} (an optional header line starting with
 *       {@code function,}); fields are percent-encoded for {@code % , ; = CR LF}.</li>
 * </ul>
 * Lines may be slightly out of order: the reader restores timestamp order within a reorder horizon
 * (default 60 s). Bad lines are reported with their line numbers and skipped.
 */
public final class InvocationLog {

    public enum Format {
        JSONL, CSV;

        /** By file name: {@code .csv}/{@code .csv.gz} is CSV, anything else JSON lines. */
        public static Format of(Path path) {
            String n = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            return n.endsWith(".csv") || n.endsWith(".csv.gz") ? CSV : JSONL;
        }
    }

    public static final long DEFAULT_REORDER_HORIZON_MILLIS = 60_000L;
    private static final JsonFactory JSON = new JsonFactory();

    private InvocationLog() {
    }

    public static InvocationStream read(Path path) {
        return read(path, Format.of(path), DEFAULT_REORDER_HORIZON_MILLIS);
    }

    public static InvocationStream read(Path path, Format format, long reorderHorizonMillis) {
        return new Reader(path, format, reorderHorizonMillis);
    }

    /** Opens a writer; the format follows the file name unless given. */
    public static LogWriter writer(Path path) throws IOException {
        return new LogWriter(Files.newOutputStream(path), Format.of(path));
    }

    public static LogWriter writer(OutputStream out, Format format) {
        return new LogWriter(out, format);
    }

    /** Writes events as JSON lines or CSV. Not thread-safe. */
    public static final class LogWriter implements AutoCloseable {
        private final Writer out;
        private final Format format;
        private final JsonGenerator json;
        private final StringBuilder sb = new StringBuilder(128);

        LogWriter(OutputStream stream, Format format) {
            this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
            this.format = format;
            try {
                if (format == Format.JSONL) {
                    this.json = JSON.createGenerator(out);
                    this.json.setRootValueSeparator(null);
                    this.json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                } else {
                    this.json = null;
                    out.write("function,timestamp,tenant,params\n");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void write(InvocationEvent e) {
            try {
                if (format == Format.JSONL) {
                    json.writeStartObject();
                    json.writeStringField("function", e.functionId());
                    json.writeNumberField("timestamp", e.timestampMillis());
                    if (!e.params().isEmpty()) {
                        json.writeObjectFieldStart("params");
                        for (Map.Entry<String, String> p : new java.util.TreeMap<>(e.params()).entrySet()) {
                            json.writeStringField(p.getKey(), p.getValue());
                        }
                        json.writeEndObject();
                    }
                    if (!e.tenant().isEmpty()) {
                        json.writeStringField("tenant", e.tenant());
                    }
                    json.writeEndObject();
                    json.flush();
                    out.write('\n');
                } else {
                    sb.setLength(0);
                    encode(e.functionId(), sb);
                    sb.append(',').append(e.timestampMillis()).append(',');
                    encode(e.tenant(), sb);
                    sb.append(',');
                    boolean first = true;
                    for (Map.Entry<String, String> p : new java.util.TreeMap<>(e.params()).entrySet()) {
                        if (!first) {
                            sb.append(';');
                        }
                        first = false;
                        encode(p.getKey(), sb);
                        sb.append('=');
                        encode(p.getValue(), sb);
                    }
                    sb.append('\n');
                    out.append(sb);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public void close() {
            try {
                if (json != null) {
                    json.close();
                }
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static void encode(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '%' -> sb.append("%25");
                case ',' -> sb.append("%2C");
                case ';' -> sb.append("%3B");
                case '=' -> sb.append("%3D");
                case '\n' -> sb.append("%0A");
                case '\r' -> sb.append("%0D");
                default -> sb.append(c);
            }
        }
    }

    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() + 0 && i + 2 <= s.length() - 1) {
                int v = Integer.parseInt(s.substring(i + 1, i + 3), 16);
                sb.append((char) v);
                i += 2;
            } else if (c == '%') {
                throw new IllegalArgumentException("truncated percent escape in '" + s + "'");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static long parseTimestamp(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty timestamp");
        }
        boolean digits = true;
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                digits = false;
                break;
            }
        }
        if (digits) {
            return Long.parseLong(t);
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("timestamp '" + t + "' is neither epoch milliseconds nor ISO-8601");
        }
    }

    private static final class Reader extends ReorderedLineStream {
        private final Format format;
        private final String[] fields = new String[5];

        Reader(Path path, Format format, long horizon) {
            super(path, horizon);
            this.format = format;
        }

        @Override
        protected InvocationEvent parse(String line) {
            try {
                return format == Format.CSV && lines.lineNumber() == 1 && isCsvHeader(line) ? null
                        : format == Format.JSONL ? parseJson(line) : parseCsv(line, fields);
            } catch (IllegalArgumentException | IOException ex) {
                report.bad(lines.lineNumber(), ex.getMessage() == null ? ex.toString() : ex.getMessage(), line);
                return null;
            }
        }
    }

    /**
     * Parses one line of an invocation log (the per-line parser the streaming reader uses), so that
     * callers routing lines one by one (drop folders, HTTP) can reject each bad line with its reason.
     * No reordering is done. Blank lines and a CSV header line are not events: check
     * {@link String#isBlank()} and {@link #isCsvHeader(String)} before calling.
     *
     * @param line   one line without its line terminator (a trailing {@code \r} is ignored)
     * @param format the log encoding
     * @return the event
     * @throws IllegalArgumentException whose message says why the line is not a valid invocation
     */
    public static InvocationEvent parseLine(String line, Format format) {
        if (line == null) {
            throw new IllegalArgumentException("no line");
        }
        String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (l.isBlank()) {
            throw new IllegalArgumentException("blank line");
        }
        try {
            return format == Format.JSONL ? parseJson(l) : parseCsv(l, new String[5]);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number: " + e.getMessage());
        }
    }

    /** True for the optional CSV header line ({@code function,timestamp,...}); only valid as the first line. */
    public static boolean isCsvHeader(String line) {
        return line != null && line.startsWith("function,");
    }

    private static InvocationEvent parseCsv(String line, String[] fields) {
        int n = LineSource.split(line, ',', fields);
        if (n < 2 || n > 4) {
            throw new IllegalArgumentException("expected function,timestamp[,tenant[,k=v;k=v]], got " + n + " fields");
        }
        String fn = decode(fields[0].trim());
        long ts = parseTimestamp(fields[1]);
        String tenant = n >= 3 ? decode(fields[2].trim()) : "";
        Map<String, String> params = Map.of();
        if (n == 4 && !fields[3].isBlank()) {
            params = new LinkedHashMap<>();
            for (String kv : fields[3].split(";")) {
                if (kv.isEmpty()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("parameter '" + kv + "' is not key=value");
                }
                params.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
            }
        }
        return new InvocationEvent(fn, ts, params, tenant);
    }

    private static InvocationEvent parseJson(String line) throws IOException {
        String fn = null;
        long ts = -1;
        boolean haveTs = false;
        String tenant = "";
        Map<String, String> params = Map.of();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            JsonToken tok;
            while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "function", "functionId" -> fn = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "timestamp" -> {
                        if (v == JsonToken.VALUE_NUMBER_INT) {
                            ts = p.getLongValue();
                        } else if (v == JsonToken.VALUE_STRING) {
                            ts = parseTimestamp(p.getText());
                        } else {
                            throw new IllegalArgumentException("timestamp must be a number or an ISO-8601 string");
                        }
                        haveTs = true;
                    }
                    case "tenant", "user" -> tenant = v == JsonToken.VALUE_NULL ? "" : p.getText();
                    case "params" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            break;
                        }
                        if (v != JsonToken.START_OBJECT) {
                            throw new IllegalArgumentException("params must be an object");
                        }
                        params = new LinkedHashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            JsonToken pv = p.nextToken();
                            if (pv.isStructStart()) {
                                throw new IllegalArgumentException("parameter '" + k + "' is not a scalar");
                            }
                            params.put(k, pv == JsonToken.VALUE_NULL ? "" : p.getText());
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (tok != JsonToken.END_OBJECT) {
                throw new IllegalArgumentException("malformed JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        }
        if (fn == null || fn.isBlank()) {
            throw new IllegalArgumentException("missing \"function\"");
        }
        if (!haveTs) {
            throw new IllegalArgumentException("missing \"timestamp\"");
        }
        return new InvocationEvent(fn, ts, params, tenant);
    }
}
