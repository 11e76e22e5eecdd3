package org.layerswap.routes;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.common.HttpMessage;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.config.SecretToken;
import org.layerswap.persistence.api.DeadLetterRow;
import org.layerswap.persistence.api.PersistenceService;
import org.layerswap.routes.api.IngestStats;
import org.layerswap.routes.api.InvocationIngest;
import org.layerswap.workload.InvocationLog;
import org.layerswap.workload.InvocationLog.Format;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion routes, plain Java (no OSGi types): add an instance to any {@code CamelContext}.
 *
 * <ul>
 *   <li>{@code ingest-file}: drop folder ({@code *.jsonl}, {@code *.json}: JSON lines; {@code *.csv}: CSV), streamed
 *       line by line; valid lines go to the events queue, bad ones to the dead-letter channel with file name,
 *       line number (1-based, physical, the CSV header counts as line 1) and reason. At the end of the file the
 *       route waits until the queue consumer has handled every event of the file and persistence confirms the
 *       commit ({@link PersistenceService#flush}); only then does the file move to {@code .done/yyyyMMdd/}. If the
 *       commit is not confirmed the file moves to {@code .failed/yyyyMMdd/} (rows already committed stay).
 *       Blank lines and the CSV header are skipped (counted in {@code skipped}), not dead-lettered, as
 *       {@code InvocationLog.read} does. Azure 2019/2021 trace files are not routed (they are multi-file,
 *       per-minute count tables, not per-line events): other file names stay in the folder untouched.</li>
 *   <li>{@code ingest-http}: POST of JSON lines on 127.0.0.1, admitted by {@link HttpGuard} (bearer token, Host,
 *       Origin, media type, declared length) before a byte of the body is read, then streamed through
 *       {@link BoundedLines} (body and line caps: nothing is buffered whole); replies
 *       {@code {"accepted":n,"rejected":m,"errors":[{"line":k,"reason":"..."}]}} (at most 100 errors listed),
 *       200 once the accepted events are consumed and persistence confirmed their commit (as the file route waits
 *       before {@code .done}: an acknowledged event survives a crash), 503 when that is not confirmed within
 *       {@code commitTimeoutSeconds}, 400 when no line was accepted, 413 when the body passed its cap (the lines
 *       before it stay accepted).</li>
 *   <li>{@link InvocationIngest#ingest}: the in-process entry.</li>
 *   <li>{@link RecordSink}: one event per record (the Kafka route, {@link KafkaIngestRoute}), validated and
 *       dead-lettered like a line; the caller acknowledges its records after {@link #awaitCommitted}.</li>
 *   <li>Every parsed event of every source passes {@link EventValidator} (id, tenant, params, clock skew); a refused
 *       one is dead-lettered with its reason and never reaches the queue.</li>
 *   <li>{@code ingest-events}: the bounded queue {@code seda:events} of event batches ({@link EventDelivery}: at most
 *       {@code queueSize} events queued or in flight, producers block when it is full) with one consumer handing
 *       each batch to {@link BehavioralProfiler#recordBatch} and, once the profiler accepted it, to
 *       {@link PersistenceService#recordInvocation}. The file and HTTP routes hand their events over in chunks of up
 *       to {@value #MAX_BATCH} (one cluster round trip per chunk, not per event); a chunk the profiler did not accept
 *       (a failed cluster put) is dead-lettered and its request or file is not acknowledged (503, {@code .failed}),
 *       the Kafka route's offsets not committed.</li>
 *   <li>{@code rescore} and {@code retention} timers.</li>
 * </ul>
 */
public class IngestRoutes extends RouteBuilder implements InvocationIngest, RecordSink {

    private static final Logger LOG = LoggerFactory.getLogger(IngestRoutes.class);

    public static final String EVENTS = "seda:events?size={{queueSize}}&blockWhenFull=true";
    public static final String SOURCE_FILE = "file";
    public static final String SOURCE_HTTP = "http";
    public static final String SOURCE_SERVICE = "service";
    static final int MAX_HTTP_ERRORS = 100;
    /** Most events one chunk of a file or an HTTP request carries into the queue. */
    static final int MAX_BATCH = 500;

    private static final String PROP_TALLY = "LayerSwapFileTally";

    private final RoutesSettings settings;
    private final EdgeSettings edge;
    private final EventValidator validator;
    private final HttpGuard guard;
    private final Clock clock;
    private final BehavioralProfiler profiler;
    private final IngestCounters counters = new IngestCounters();
    private final EventDelivery delivery;
    /** Delivery failures the record sink has already refused a commit for. */
    private final AtomicLong failuresRefused = new AtomicLong();
    private volatile PersistenceService persistence;
    private volatile ProducerTemplate producer;

    /** With the default edge rules, a fresh random token ({@link #edge()}) and the system clock. */
    public IngestRoutes(RoutesSettings settings, BehavioralProfiler profiler) {
        this(settings, EdgeSettings.defaults(SecretToken.generate()), profiler, Clock.systemUTC());
    }

    public IngestRoutes(RoutesSettings settings, EdgeSettings edge, BehavioralProfiler profiler, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.edge = Objects.requireNonNull(edge, "edge");
        this.profiler = Objects.requireNonNull(profiler, "profiler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.validator = new EventValidator(edge, clock);
        this.guard = new HttpGuard(edge);
        this.delivery = new EventDelivery(profiler, counters, () -> persistence, this::deadLetter, settings.queueSize());
    }

    public EdgeSettings edge() {
        return edge;
    }

    /** Sets or clears (null) the optional persistence service; takes effect for the next row. */
    public void setPersistence(PersistenceService persistence) {
        this.persistence = persistence;
    }

    public RoutesSettings settings() {
        return settings;
    }

    @Override
    public void configure() {
        getContext().getPropertiesComponent().setInitialProperties(settings.placeholders());

        from(EVENTS).routeId("ingest-events").process(ex -> delivery.deliver(ex.getIn().getBody(EventDelivery.Batch.class)));

        if (settings.dropDir() != null) {
            String dir = settings.dropDir().toAbsolutePath().toString().replace('\\', '/');
            from("file:" + dir + "?charset=UTF-8&antInclude=*.jsonl,*.json,*.csv&antFilterCaseSensitive=false"
                    + "&readLock=changed&readLockMinLength=0"
                    + "&move=.done/${date:now:yyyyMMdd}/${file:name}"
                    + "&moveFailed=.failed/${date:now:yyyyMMdd}/${file:name}")
                    .routeId("ingest-file")
                    .process(this::startFile)
                    .split(body().tokenize("\n")).streaming()
                        .process(this::fileLine)
                    .end()
                    .process(this::commitFile);
        }

        if (settings.httpPort() > 0) {
            from("jetty:http://127.0.0.1:{{httpPort}}{{httpPath}}?httpMethodRestrict=POST"
                    // the body stays the request's input stream: read line by line under the caps, never cached whole
                    + "&disableStreamCache=true&mapHttpMessageFormUrlEncodedBody=false"
                    // no header/parameter mapping and no multipart parsing: either would make Jetty read (and for
                    // multipart store) the body as form data before the guard has looked at the request
                    + "&mapHttpMessageHeaders=false&enableMultipartFilter=false")
                    .routeId("ingest-http")
                    // stream caching would copy the whole body before the guard runs
                    .noStreamCaching()
                    .process(this::httpBatch);
        }

        if (settings.rescoreIntervalSeconds() > 0) {
            from("timer:rescore?period={{rescorePeriodMillis}}&delay={{rescorePeriodMillis}}")
                    .routeId("rescore")
                    .process(e -> profiler.rescore(System.currentTimeMillis()));
        }
        if (settings.retentionIntervalSeconds() > 0) {
            from("timer:retention?period={{retentionPeriodMillis}}&delay={{retentionPeriodMillis}}")
                    .routeId("retention")
                    .process(e -> retention());
        }
        producer = getContext().createProducerTemplate();
    }

    // ---- the in-process entry -----------------------------------------------------------------------

    @Override
    public void ingest(InvocationEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("null invocation event");
        }
        ProducerTemplate p = producer;
        if (p == null || !getContext().getStatus().isStarted()) {
            throw new IllegalStateException("ingestion routes are not running");
        }
        String refusal = validator.refusal(event);
        if (refusal != null) {
            counters.rejected(SOURCE_SERVICE);
            deadLetter(SOURCE_SERVICE, -1, String.valueOf(event), refusal);
            throw new IllegalArgumentException("invocation event refused (dead-lettered): " + refusal);
        }
        counters.accepted(SOURCE_SERVICE);
        enqueue(p, new EventDelivery.Batch(List.of(event), null));
    }

    @Override
    public String offer(String source, long position, String raw, String functionId) {
        ProducerTemplate p = producer;
        if (p == null || !getContext().getStatus().isStarted()) {
            throw new IllegalStateException("ingestion routes are not running");
        }
        int colon = source.indexOf(':');
        String counterSource = colon < 0 ? source : source.substring(0, colon);
        String reason;
        if (raw == null) {
            reason = "record has no value (a tombstone)";
        } else if (raw.isBlank()) {
            reason = "record value is blank";
        } else if (raw.length() > edge.maxLineChars()) {
            reason = "record value of " + raw.length() + " characters exceeds maxLineChars " + edge.maxLineChars();
        } else {
            try {
                InvocationEvent e = InvocationLog.parseLine(raw, Format.JSONL);
                reason = validator.refusal(e);
                if (reason == null && functionId != null && !functionId.equals(e.functionId())) {
                    reason = "record key is not the event's function id (records are keyed by function id)";
                }
                if (reason == null) {
                    counters.accepted(counterSource);
                    enqueue(p, new EventDelivery.Batch(List.of(e), null));
                    return null;
                }
            } catch (IllegalArgumentException ex) {
                reason = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            }
        }
        counters.rejected(counterSource);
        deadLetter(source, position, raw, reason);
        return reason;
    }

    @Override
    public java.nio.file.Path dropDirectory() {
        return settings.dropDir() == null ? null : settings.dropDir().toAbsolutePath();
    }

    @Override
    public IngestStats stats() {
        return counters.snapshot();
    }

    // ---- per-line handling shared by the file and HTTP routes ---------------------------------------

    /** Per-file (or per-request) tally; shared by reference with the split's sub-exchanges. */
    static final class Tally {
        final String source;
        /** Its accepted events on their way to the queue. */
        final EventDelivery.Chunk chunk;
        long accepted;
        long rejected;
        long skipped;
        final List<long[]> errorLines = new ArrayList<>();
        final List<String> errorReasons = new ArrayList<>();

        Tally(String source, EventDelivery.Chunk chunk) {
            this.source = source;
            this.chunk = chunk;
        }
    }

    /** A tally of {@code source} whose events go to this pipeline's queue. */
    Tally tally(String source) {
        return new Tally(source, delivery.chunk(MAX_BATCH));
    }

    /**
     * Classifies one line: returns the event, or null after counting a skip or dead-lettering the line.
     */
    private InvocationEvent line(String raw, long lineNo, Format format, Tally tally, String counterSource) {
        if (raw == null || raw.isBlank() || lineNo == 1 && format == Format.CSV && InvocationLog.isCsvHeader(raw)) {
            tally.skipped++;
            counters.skipped.increment();
            return null;
        }
        try {
            InvocationEvent e = InvocationLog.parseLine(raw, format);
            String refusal = validator.refusal(e);
            if (refusal != null) {
                throw new IllegalArgumentException(refusal);
            }
            tally.accepted++;
            counters.accepted(counterSource);
            return e;
        } catch (IllegalArgumentException ex) {
            String reason = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            tally.rejected++;
            counters.rejected(counterSource);
            if (tally.errorLines.size() < MAX_HTTP_ERRORS) {
                tally.errorLines.add(new long[] {lineNo});
                tally.errorReasons.add(reason);
            }
            deadLetter(tally.source, lineNo, raw, reason);
            return null;
        }
    }

    private void deadLetter(String source, long lineNo, String raw, String reason) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("dead letter {} line {}: {}", source, lineNo, reason);
        }
        PersistenceService p = persistence;
        if (p != null && !p.recordDeadLetter(new DeadLetterRow(0, clock.millis(), source, lineNo,
                cap(raw, settings.maxPayloadChars()), reason))) {
            counters.persistDropped.increment();
        }
    }

    static String cap(String raw, int max) {
        if (raw == null) {
            return "";
        }
        String s = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        return s.length() <= max ? s : s.substring(0, max) + "...[" + s.length() + " chars]";
    }

    // ---- drop folder --------------------------------------------------------------------------------

    private void startFile(Exchange ex) {
        String name = ex.getIn().getHeader(Exchange.FILE_NAME, String.class);
        ex.setProperty(PROP_TALLY, tally("file:" + name));
        LOG.debug("ingesting {}", name);
    }

    private void fileLine(Exchange ex) {
        Tally tally = ex.getProperty(PROP_TALLY, Tally.class);
        String name = ex.getIn().getHeader(Exchange.FILE_NAME, String.class);
        Format format = name != null && name.toLowerCase(Locale.ROOT).endsWith(".csv") ? Format.CSV : Format.JSONL;
        int index = ex.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        InvocationEvent e = line(ex.getIn().getBody(String.class), index + 1L, format, tally, SOURCE_FILE);
        if (e != null) {
            tally.chunk.add(e, b -> enqueue(producer, b));
        }
    }

    private void commitFile(Exchange ex) {
        Tally t = ex.getProperty(PROP_TALLY, Tally.class);
        try {
            t.chunk.flush(b -> enqueue(producer, b));
            awaitAccepted(t, t.source, "not moving it to .done");
            counters.filesDone.increment();
            LOG.info("{}: {} accepted, {} rejected (dead-lettered), {} skipped; committed", t.source, t.accepted,
                    t.rejected, t.skipped);
        } catch (RuntimeException e) {
            counters.filesFailed.increment();
            LOG.error("{}", e.getMessage());
            throw e;
        }
    }

    /**
     * Returns once every event enqueued so far has settled and persistence confirmed their commit, and no delivery
     * failed since this was last asked (a failure refuses one commit: the record sink reads its records again, at
     * least once); throws naming {@code source} and {@code consequence} otherwise.
     */
    @Override
    public void awaitCommitted(String source, String consequence) {
        awaitSettled(source, consequence);
        long failed = counters.deliveryFailed.sum();
        long refused = failuresRefused.getAndSet(failed);
        if (failed > refused) {
            throw new IllegalStateException(source + ": " + (failed - refused)
                    + " events could not be delivered to the profiler since the last commit (dead-lettered); " + consequence);
        }
    }

    /** {@link #awaitSettled}, then refuses (naming {@code what}) when an event of {@code t} was not accepted by the profiler. */
    private void awaitAccepted(Tally t, String what, String consequence) {
        awaitSettled(what, consequence);
        long failed = t.chunk.failures();
        if (failed > 0) {
            throw new IllegalStateException(what + ": " + failed
                    + " of its events could not be delivered to the profiler (dead-lettered); " + consequence);
        }
    }

    /**
     * Returns once every event enqueued so far has settled (accepted by the profiler or failed) and persistence
     * confirmed their commit; throws naming {@code source} and {@code consequence} when that does not happen within
     * {@code commitTimeoutSeconds}.
     */
    private void awaitSettled(String source, String consequence) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.commitTimeoutSeconds());
        long target = counters.enqueued.get();
        if (!delivery.awaitSettled(target, deadline)) {
            throw new IllegalStateException(source + ": its events were not consumed within "
                    + settings.commitTimeoutSeconds() + " s; " + consequence);
        }
        PersistenceService p = persistence;
        if (p != null) {
            long leftNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime());
            if (!p.flush(Duration.ofNanos(leftNanos))) {
                throw new IllegalStateException(source + ": persistence did not confirm the commit within "
                        + settings.commitTimeoutSeconds() + " s; " + consequence);
            }
        }
    }

    // ---- HTTP -----------------------------------------------------------------------------------------

    private void httpBatch(Exchange ex) throws IOException {
        HttpMessage in = ex.getIn(HttpMessage.class);
        HttpServletRequest request = in.getRequest();
        long length = request.getContentLengthLong();
        HttpGuard.Refusal refused = guard.check(request.getHeader("Host"), request.getHeader("Origin"),
                request.getHeader("Authorization"), request.getContentType(), length < 0 ? null : length);
        Tally t = tally(SOURCE_HTTP);
        int status;
        String message = null;
        if (refused != null) {
            status = refused.status();
            message = refused.message();
            LOG.debug("HTTP request refused: {} {}", status, message);
        } else {
            try (InputStream body = in.getBody(InputStream.class)) {
                ingestLines(body, t);
                status = t.accepted > 0 ? 200 : 400;
                if (t.accepted > 0) { // a 200 acknowledges accepted, committed events: a crash after it loses none
                    awaitAccepted(t, "HTTP batch", "not acknowledged");
                }
            } catch (IllegalStateException notCommitted) {
                status = 503;
                message = notCommitted.getMessage();
                LOG.warn("{}", message);
            } catch (BoundedLines.TooLarge tooLarge) {
                    status = 413;
                message = tooLarge.getMessage() + "; the " + t.accepted + " lines accepted before it are kept";
            }
        }
        if (t.rejected > 0) {
            LOG.debug("HTTP batch: {} accepted, {} rejected", t.accepted, t.rejected);
        }
        // nothing of the request (headers, form "parameters" parsed from a body) is reflected into the response
        ex.getMessage().getHeaders().clear();
        ex.getMessage().setBody(HttpReply.json(t, message));
        ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (status == 401) {
            ex.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"layerswap-ingest\"");
        }
        if (status >= 400 && status != 400) {
            // the body was not (fully) read: end the connection rather than let its rest parse as a next request
            in.getResponse().setHeader("Connection", "close");
        }
    }

    /**
     * The streaming path of the HTTP route (also the entry of the hostile-ingest tests): reads JSON lines from
     * {@code body} under {@code maxBodyBytes}/{@code maxLineChars}, enqueues each valid event and dead-letters every
     * other line with its reason, counting into {@code t}.
     *
     * @throws BoundedLines.TooLarge past the body cap (the lines before it are handled)
     */
    void ingestLines(InputStream body, Tally t) throws IOException {
        ProducerTemplate p = producer;
        if (body == null) {
            return;
        }
        BoundedLines lines = new BoundedLines(body, edge.maxBodyBytes(), edge.maxLineChars());
        try {
            readLines(lines, t, p);
        } finally { // the lines accepted before a failure (the body cap) are kept
            t.chunk.flush(b -> enqueue(p, b));
        }
    }

    private void readLines(BoundedLines lines, Tally t, ProducerTemplate p) throws IOException {
        for (String raw = lines.next(); raw != null; raw = lines.next()) {
            InvocationEvent e;
            if (lines.overflowed()) {
                String reason = "line longer than maxLineChars " + edge.maxLineChars();
                t.rejected++;
                counters.rejected(t.source);
                if (t.errorLines.size() < MAX_HTTP_ERRORS) {
                    t.errorLines.add(new long[] {lines.lineNo()});
                    t.errorReasons.add(reason);
                }
                deadLetter(t.source, lines.lineNo(), raw, reason);
                e = null;
            } else {
                e = line(raw, lines.lineNo(), Format.JSONL, t, t.source);
            }
            if (e != null) {
                t.chunk.add(e, b -> enqueue(p, b));
            }
        }
    }

    /** Blocks for room in the queue, then queues {@code batch}. */
    private void enqueue(ProducerTemplate p, EventDelivery.Batch batch) {
        delivery.reserve(batch.events().size());
        p.sendBody(EVENTS, batch);
    }

    // ---- queue consumer and timers ------------------------------------------------------------------

    private void retention() {
        PersistenceService p = persistence;
        if (p != null) {
            long n = p.applyRetention(System.currentTimeMillis());
            LOG.debug("retention deleted {} rows", n);
        }
    }
}
