package org.layerswap.containerd.learning;

import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

import org.layerswap.containerd.proto.events.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.Context;

/**
 * containerd's event stream, kept open: one thread subscribes ({@code containerd.services.events.v1.Events/Subscribe},
 * filtered to {@link EventDecoder#TOPICS}) and hands every envelope to the consumer. When the stream ends or fails
 * (containerd restarted or went away) it subscribes again after a backoff that doubles from {@code minBackoffMillis}
 * to {@code maxBackoffMillis} and starts over once a subscription answered. Events containerd published while no
 * subscription was open are lost (containerd keeps no backlog). {@link #connected()} is true while a subscription is
 * open (after the probe answered).
 */
public final class EventStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    /** containerd's side: a cheap call that fails when containerd is unreachable, and the subscription. */
    public interface Source {
        void probe();

        Iterator<Envelope> subscribe(List<String> filters);
    }

    /** How the stream waits between attempts (a test's is instant). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Source source;
    private final Consumer<Envelope> consumer;
    private final Sleeper sleeper;
    private final long minBackoffMillis;
    private final long maxBackoffMillis;
    private final Thread thread;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile Context.CancellableContext current;
    private volatile long reconnects;

    public EventStream(Source source, Consumer<Envelope> consumer, Sleeper sleeper, long minBackoffMillis, long maxBackoffMillis) {
        if (minBackoffMillis <= 0 || maxBackoffMillis < minBackoffMillis) {
            throw new IllegalArgumentException("backoff must be 0 < min <= max, got " + minBackoffMillis + " and " + maxBackoffMillis);
        }
        this.source = source;
        this.consumer = consumer;
        this.sleeper = sleeper;
        this.minBackoffMillis = minBackoffMillis;
        this.maxBackoffMillis = maxBackoffMillis;
        this.thread = new Thread(this::run, "layerswap-containerd-events");
        thread.setDaemon(true);
    }

    public EventStream start() {
        thread.start();
        return this;
    }

    public boolean connected() {
        return connected;
    }

    /** Subscriptions opened after the first one. */
    public long reconnects() {
        return reconnects;
    }

    private void run() {
        long backoff = minBackoffMillis;
        boolean first = true;
        while (!closed) {
            Context.CancellableContext ctx = Context.current().withCancellation();
            current = ctx;
            try {
                if (closed) {
                    return; // close() ran before current was set: it did not cancel this context
                }
                Context previous = ctx.attach();
                try {
                    source.probe();
                    Iterator<Envelope> it = source.subscribe(EventDecoder.filters());
                    connected = true;
                    if (!first) {
                        reconnects++;
                    }
                    first = false;
                    backoff = minBackoffMillis;
                    LOG.info("subscribed to containerd's events");
                    while (!closed && it.hasNext()) {
                        consumer.accept(it.next());
                    }
                } finally {
                    ctx.detach(previous);
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("containerd's event stream failed ({}); subscribing again in {} ms", e.toString(), backoff);
                }
            } finally {
                connected = false;
                ctx.cancel(null);
            }
            if (closed) {
                return;
            }
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(maxBackoffMillis, backoff * 2);
        }
    }

    /** Stops the stream: the subscription is cancelled and the thread ends. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        Context.CancellableContext ctx = current;
        if (ctx != null) {
            ctx.cancel(null);
        }
        thread.interrupt();
        thread.join(10_000);
    }
}
