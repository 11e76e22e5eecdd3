package org.layerswap.itests.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Invocation events POSTed to the appliance's HTTP ingest at a fixed rate, in bounded batches (one batch of
 * {@code batchSize} JSON lines every {@code batchSize / eventsPerSecond} seconds; a batch that is late is sent at
 * once, never more than one at a time, so the offered rate is at most the target). Every event's function id
 * starts with {@link #FUNCTION_PREFIX}, so the rows it left in H2 can be counted apart from the demo's.
 *
 * <p>Invariant: {@link #acknowledged()} is the sum of {@code "accepted"} of the 2xx replies, i.e. exactly the
 * events the appliance said it took. A batch without a 2xx reply (refused, connection refused while the appliance
 * restarts, timed out) counts in {@link #unacknowledgedBatches()} and not in {@code acknowledged}.
 */
public final class IngestLoad implements Runnable {

    public static final String FUNCTION_PREFIX = "soak-ev-";
    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");

    private final Supplier<URI> endpoint;
    private final Supplier<String> token;
    private final int eventsPerSecond;
    private final int batchSize;
    private final int functions;
    private final int sender;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong unacknowledgedBatches = new AtomicLong();
    private volatile boolean stopped;
    private long sequence;

    /**
     * @param endpoint the ingest URL, asked before every batch (as the token is: both outlive restarts today)
     * @param sender   this sender's number, part of each event's {@code seq} parameter
     */
    public IngestLoad(Supplier<URI> endpoint, Supplier<String> token, int eventsPerSecond, int batchSize, int functions, int sender) {
        if (eventsPerSecond < 1 || batchSize < 1 || functions < 1) {
            throw new IllegalArgumentException("ingest load needs eventsPerSecond, batchSize and functions >= 1, got "
                    + eventsPerSecond + ", " + batchSize + ", " + functions);
        }
        this.endpoint = endpoint;
        this.token = token;
        this.eventsPerSecond = eventsPerSecond;
        this.batchSize = batchSize;
        this.functions = functions;
        this.sender = sender;
    }

    @Override
    public void run() {
        long periodNanos = 1_000_000_000L * batchSize / eventsPerSecond;
        long next = System.nanoTime();
        while (!stopped) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            next = Math.max(next + periodNanos, System.nanoTime() - periodNanos); // no catch-up burst after a stall
            postBatch();
        }
    }

    private void postBatch() {
        StringBuilder body = new StringBuilder(batchSize * 64);
        long now = System.currentTimeMillis();
        for (int i = 0; i < batchSize; i++) {
            long n = sequence++;
            body.append("{\"function\":\"").append(FUNCTION_PREFIX).append(n % functions).append("\",\"timestamp\":")
                    .append(now).append(",\"params\":{\"seq\":\"").append(sender).append('-').append(n).append("\"}}\n");
        }
        sent.addAndGet(batchSize);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.get())
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-ndjson")
                    .header("Authorization", "Bearer " + token.get())
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = ACCEPTED.matcher(r.body());
            if (r.statusCode() / 100 == 2 && m.find()) {
                acknowledged.addAndGet(Long.parseLong(m.group(1)));
            } else {
                unacknowledgedBatches.incrementAndGet();
            }
        } catch (java.io.IOException | RuntimeException e) {
            unacknowledgedBatches.incrementAndGet(); // down (restarting) or refused: not acknowledged
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    public void stop() {
        stopped = true;
    }

    /** Events the appliance acknowledged (HTTP 2xx, its {@code accepted} count). */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Events offered, acknowledged or not. */
    public long sent() {
        return sent.get();
    }

    public long unacknowledgedBatches() {
        return unacknowledgedBatches.get();
    }
}
