package org.layerswap.source.oci;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Wraps a network stream so that a read making no progress for {@code timeout} fails with an
 * {@link IOException} instead of hanging: a watchdog closes the underlying stream, which wakes
 * the blocked reader.
 */
final class InactivityTimeoutStream extends FilterInputStream {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "layerswap-oci-read-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final long timeoutNanos;
    private final String what;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean timedOut;
    private volatile boolean closed;

    private InactivityTimeoutStream(InputStream in, Duration timeout, String what) {
        super(in);
        this.timeoutNanos = timeout.toNanos();
        this.what = what;
        long period = Math.max(10, timeout.toMillis() / 4);
        this.check = WATCHDOG.scheduleWithFixedDelay(this::watch, period, period, TimeUnit.MILLISECONDS);
    }

    static InputStream wrap(InputStream in, Duration timeout, String what) {
        return new InactivityTimeoutStream(in, timeout, what);
    }

    private void watch() {
        if (closed) {
            check.cancel(false);
            return;
        }
        if (System.nanoTime() - lastProgress > timeoutNanos) {
            timedOut = true;
            check.cancel(false);
            try {
                in.close();
            } catch (IOException ignored) {
                // the reader sees the timeout
            }
        }
    }

    private int checked(int n) throws IOException {
        if (timedOut) {
            throw new IOException(what + ": no data received for " + Duration.ofNanos(timeoutNanos).toMillis() + " ms (read timeout)");
        }
        lastProgress = System.nanoTime();
        return n;
    }

    @Override
    public int read() throws IOException {
        try {
            return checked(super.read());
        } catch (IOException e) {
            checked(0);
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return checked(super.read(b, off, len));
        } catch (IOException e) {
            checked(0);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        check.cancel(false);
        super.close();
    }
}
