package org.layerswap.persistence.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.layerswap.persistence.api.WriterStats;
import org.layerswap.persistence.jdbc.rows.RowBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous write path: a bounded queue drained by ONE writer thread into JDBC batches.
 * <p>
 * Invariants:
 * <ul>
 * <li>{@link #offer} never waits longer than the offer timeout; a row it refuses (queue full past the
 * timeout, writer closed or dead) is counted in {@link WriterStats#dropped()} and never written.</li>
 * <li>The writer takes up to {@code batchSize} rows (waiting at most {@code flushIntervalMillis} for a
 * batch to fill, never past a flush marker), runs one JDBC batch per table (tables in the order they
 * first appear in the batch, each table's rows in queue order, so one producer's rows keep their order)
 * and commits them together.</li>
 * <li>A failing batch is rolled back and retried row by row, each committed alone: one bad row costs only
 * itself ({@link WriterStats#failed()}, reason logged). {@code accepted = written + failed + queued + in
 * flight}.</li>
 * <li>{@link #flush} returns true only when every row accepted before it was committed (or failed);
 * {@link #close} writes everything queued (waiting up to 60 s) before it returns.</li>
 * </ul>
 */
final class BatchWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    private static final long CLOSE_WAIT_MILLIS = 60_000;

    /** What the queue holds: rows and flush markers. */
    private sealed interface Entry permits Pending, FlushMarker {
    }

    /** A row with its table's binding (typed together, so binding needs no cast). */
    private record Pending<T>(RowBinding<T> binding, T row) implements Entry {
        void bindTo(PreparedStatement ps) throws SQLException {
            binding.bind(ps, row);
        }
    }

    private record FlushMarker(CountDownLatch done) implements Entry {
    }

    private final Database db;
    private final int batchSize;
    private final long flushIntervalMillis;
    private final int queueCapacity;
    private final long offerTimeoutMillis;
    private final BlockingQueue<Entry> queue;
    private final Thread writer;
    private volatile boolean closing;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile String lastError = "";
    private volatile long lastDropLogMillis;

    /** Starts the writer thread on {@code db}, tuned by the queue settings of {@code settings}. */
    BatchWriter(Database db, PersistenceSettings settings) {
        this.db = db;
        this.batchSize = settings.batchSize();
        this.flushIntervalMillis = settings.flushIntervalMillis();
        this.queueCapacity = settings.queueCapacity();
        this.offerTimeoutMillis = settings.offerTimeoutMillis();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.writer = new Thread(this::writeLoop, "layerswap-persistence-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Queues {@code row} for {@code binding}'s table; false (and counted as dropped) when it is refused.
     *
     * @throws IllegalArgumentException when {@code row} is null
     */
    <T> boolean offer(RowBinding<T> binding, T row) {
        if (row == null) {
            throw new IllegalArgumentException("null " + binding.table() + " row");
        }
        Pending<T> op = new Pending<>(binding, row);
        boolean ok = false;
        if (!closing && writer.isAlive()) {
            try {
                ok = queue.offer(op) || queue.offer(op, offerTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ok) {
            accepted.incrementAndGet();
            return true;
        }
        long d = dropped.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastDropLogMillis > 10_000) {
            lastDropLogMillis = now;
            LOG.warn("Persistence write queue {} ({} of {} rows, offer timeout {} ms): dropped {} row(s) so far",
                    closing ? "is closed" : !writer.isAlive() ? "has no writer (" + lastError + ")" : "stayed full",
                    queue.size(), queueCapacity, offerTimeoutMillis, d);
        }
        return false;
    }

    /** Waits until every row accepted so far is committed; false on timeout. */
    boolean flush(Duration timeout) {
        if (!writer.isAlive()) {
            return queue.isEmpty();
        }
        CountDownLatch done = new CountDownLatch(1);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!queue.offer(new FlushMarker(done), timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    WriterStats stats() {
        return new WriterStats(accepted.get(), written.get(), dropped.get(), failed.get(), batches.get(), queue.size(),
                queueCapacity, lastError);
    }

    /** Stops accepting rows and writes what is queued, waiting up to 60 s (then what is left is lost, with a warning). */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("Persistence writer did not finish within 60 s; {} row(s) still queued are lost", queue.size());
            writer.interrupt();
        }
    }

    private void writeLoop() {
        List<Entry> batch = new ArrayList<>(batchSize);
        Connection c = null;
        try {
            c = db.connection();
            c.setAutoCommit(false);
            while (!(closing && queue.isEmpty())) {
                Entry first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                fill(batch, first);
                writeBatch(c, batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            lastError = db.redact(e.getMessage());
            LOG.error("Persistence writer for {} stopped: {}", db.safeUrl(), lastError);
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            for (Entry o : batch) {
                if (o instanceof FlushMarker f) {
                    f.done().countDown();
                }
            }
        }
    }

    /** Adds queued entries until the batch is full, a flush marker arrives or the flush interval has passed. */
    private void fill(List<Entry> batch, Entry first) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis);
        while (batch.size() < batchSize && !(first instanceof FlushMarker)) {
            int n = queue.drainTo(batch, batchSize - batch.size());
            if (batch.get(batch.size() - 1) instanceof FlushMarker || batch.size() >= batchSize) {
                return;
            }
            if (n == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closing) {
                    return;
                }
                Entry next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
                if (next != null) {
                    batch.add(next);
                    if (next instanceof FlushMarker) {
                        return;
                    }
                }
            }
        }
    }

    private void writeBatch(Connection c, List<Entry> batch) throws SQLException {
        Map<RowBinding<?>, List<Pending<?>>> byTable = new LinkedHashMap<>();
        List<FlushMarker> markers = new ArrayList<>();
        for (Entry o : batch) {
            if (o instanceof Pending<?> p) {
                byTable.computeIfAbsent(p.binding(), k -> new ArrayList<>()).add(p);
            } else if (o instanceof FlushMarker f) {
                markers.add(f);
            }
        }
        try {
            int rows = 0;
            for (Map.Entry<RowBinding<?>, List<Pending<?>>> e : byTable.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement(e.getKey().writeSql())) {
                    for (Pending<?> p : e.getValue()) {
                        p.bindTo(ps);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                rows += e.getValue().size();
            }
            c.commit();
            written.addAndGet(rows);
            batches.incrementAndGet();
        } catch (SQLException e) {
            c.rollback();
            lastError = db.redact(e.getMessage());
            LOG.warn("Batch write to {} failed ({}); retrying its rows one by one", db.safeUrl(), lastError);
            writeOneByOne(c, byTable);
        } finally {
            markers.forEach(m -> m.done().countDown());
        }
    }

    private void writeOneByOne(Connection c, Map<RowBinding<?>, List<Pending<?>>> byTable) throws SQLException {
        for (Map.Entry<RowBinding<?>, List<Pending<?>>> e : byTable.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement(e.getKey().writeSql())) {
                for (Pending<?> p : e.getValue()) {
                    try {
                        p.bindTo(ps);
                        ps.executeUpdate();
                        c.commit();
                        written.incrementAndGet();
                    } catch (SQLException | RuntimeException bad) {
                        c.rollback();
                        failed.incrementAndGet();
                        lastError = db.redact(bad.getMessage());
                        LOG.error("Cannot store {} row {}: {}", e.getKey().table(), p.row(), lastError);
                    }
                }
            }
        }
        batches.incrementAndGet();
    }
}
