package org.layerswap.swap;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * When the live next-use planner runs (issue 13): a full pass ({@link NextUsePlanning#tick}) every decision interval,
 * and in between a pass for just the functions something may have made due:
 * <ul>
 *   <li>{@link #request}: a function whose prediction moved (the profiler recorded it, one of its layers' score
 *   moved) or whose invocation was queued; from any thread, an O(1) enqueue and at most one queued pass;</li>
 *   <li>{@link #wakeAt}: from a pass, when a function's just-in-time prefetch will be due; the one timer wakes at
 *   the earliest of those and of the next full pass, so a prefetch starts at its due time, not at the next tick;</li>
 *   <li>{@link #requestFull}: everything (settings changed, a queue overflowed).</li>
 * </ul>
 * Invariants: every pass runs on the planner thread ({@link PlannerThread}, single-threaded), never on a
 * requester's; at most one immediate pass is queued (a request while one is queued is covered by it: the pass clears
 * the flag before it drains); at most {@value #MAX_PENDING} functions wait, a request beyond that is dropped and a
 * full pass asked for instead (nothing is lost); the calendar only holds times after the pass that planned them and
 * before the next full pass (which re-plans everything), one live entry per function; the timer is never armed for
 * a time already passed (a due function that could not start waits for the next full pass: no busy loop).
 */
final class PlanningTriggers {

    /** What a wake-up runs on the planner thread. */
    interface Pass {
        /** Everything (the planning's tick). */
        void full();

        /**
         * Between full passes: these functions (ids requested from other threads, indexes whose planned start came;
         * both may be empty when the owner's own queue woke the planner, see {@link #wakeNow}).
         */
        void functions(Set<String> requested, int[] due, int dueCount);
    }

    /** Runs tasks on the planner thread, now or after a delay: the swap manager's worker, or a test's hand-run queue. */
    interface PlannerThread {
        void execute(Runnable task);

        Future<?> schedule(Runnable task, long delayMillis);

        static PlannerThread of(ScheduledExecutorService worker) {
            return new PlannerThread() {
                @Override
                public void execute(Runnable task) {
                    worker.execute(task);
                }

                @Override
                public Future<?> schedule(Runnable task, long delayMillis) {
                    return worker.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
                }
            };
        }
    }

    static final int MAX_PENDING = 1 << 14;

    private final LongSupplier clock;
    private final PlannerThread thread;
    private final LongSupplier intervalMillis;
    private final Pass pass;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicBoolean fullRequested = new AtomicBoolean(true);
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean stopped;

    // planner-thread state
    private final PriorityQueue<long[]> calendar = new PriorityQueue<>(Comparator.comparingLong(e -> e[0]));
    private long[] plannedAt = new long[0];
    private int[] due = new int[8];
    private long nextFull = Long.MIN_VALUE;
    private Future<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private long passes;
    private long fullPasses;

    PlanningTriggers(LongSupplier clockMillis, PlannerThread thread, LongSupplier intervalMillis, Pass pass) {
        this.clock = Objects.requireNonNull(clockMillis, "clock");
        this.thread = Objects.requireNonNull(thread, "planner thread");
        this.intervalMillis = Objects.requireNonNull(intervalMillis, "interval");
        this.pass = Objects.requireNonNull(pass, "pass");
    }

    /** Starts the cadence: a full pass now, then as {@link #run} arms the timer. */
    void start() {
        requestFull();
    }

    /** No pass runs after this (pending timers may still fire and return at once). */
    void stop() {
        stopped = true;
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** A pass for {@code functionId} soon; any thread, O(1), never blocks. */
    void request(String functionId) {
        if (pending.add(functionId) && pendingCount.incrementAndGet() > MAX_PENDING) {
            pending.remove(functionId);
            pendingCount.decrementAndGet();
            fullRequested.set(true);
        }
        wakeNow();
    }

    /** A full pass soon; any thread. */
    void requestFull() {
        fullRequested.set(true);
        wakeNow();
    }

    /** Queues a pass unless one is queued; any thread. */
    void wakeNow() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(this::run);
            } catch (RejectedExecutionException e) {
                queued.set(false); // shut down
            }
        }
    }

    /**
     * From a pass (planner thread): function {@code f} should be planned again at {@code atMillis}. Ignored when that
     * is not after {@code nowMillis} or not before the next full pass, which plans it anyway.
     */
    void wakeAt(int f, long atMillis, long nowMillis) {
        if (atMillis <= nowMillis || atMillis >= nextFull) {
            return;
        }
        if (f >= plannedAt.length) {
            int old = plannedAt.length;
            plannedAt = Arrays.copyOf(plannedAt, Math.max(f + 1, old * 2));
            Arrays.fill(plannedAt, old, plannedAt.length, Long.MIN_VALUE);
        }
        if (plannedAt[f] == atMillis) {
            return;
        }
        plannedAt[f] = atMillis;
        calendar.add(new long[] {atMillis, f});
    }

    /** One wake-up on the planner thread: a full pass when one is asked for or due, else the requested and due functions. */
    void run() {
        queued.set(false);
        if (stopped) {
            return;
        }
        long now = clock.getAsLong();
        boolean full = fullRequested.getAndSet(false) || now >= nextFull;
        Set<String> requested = Set.of();
        for (Iterator<String> it = pending.iterator(); it.hasNext(); ) {
            String fn = it.next();
            it.remove();
            pendingCount.decrementAndGet();
            if (!full) {
                requested = requested.isEmpty() ? new HashSet<>() : requested;
                requested.add(fn);
            }
        }
        int n = 0;
        for (long[] e; (e = calendar.peek()) != null && (full || e[0] <= now); ) {
            calendar.poll();
            int f = (int) e[1];
            if (plannedAt[f] == e[0]) {
                plannedAt[f] = Long.MIN_VALUE;
                if (n == due.length) {
                    due = Arrays.copyOf(due, n * 2);
                }
                due[n++] = f;
            }
        }
        try {
            passes++;
            if (full) {
                fullPasses++;
                nextFull = now + Math.max(1, intervalMillis.getAsLong());
                pass.full();
            } else { // also with nothing requested nor due: a queued invocation woke it
                pass.functions(requested, due, n);
            }
        } finally {
            arm(now);
        }
    }

    /** The timer's task: no timer is pending any more, so the pass arms the next one. */
    private void fire() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        run();
    }

    /** Arms the one timer for the earliest of the next full pass and the calendar's head (keeps an earlier one). */
    private void arm(long now) {
        long at = nextFull;
        long[] head;
        while ((head = calendar.peek()) != null && plannedAt[(int) head[1]] != head[0]) {
            calendar.poll(); // superseded by a later plan of the same function
        }
        if (head != null) {
            at = Math.min(at, head[0]);
        }
        Future<?> t = timer;
        if (t != null && timerAt <= at) {
            return;
        }
        if (t != null) {
            t.cancel(false);
        }
        timerAt = at;
        try {
            timer = thread.schedule(this::fire, Math.max(1, at - now));
        } catch (RejectedExecutionException e) {
            timer = null; // shut down
        }
    }

    /** When the timer fires next (epoch ms). */
    long timerAtMillis() {
        return timerAt;
    }

    /** Passes run so far, and how many of them were full. */
    long passes() {
        return passes;
    }

    long fullPasses() {
        return fullPasses;
    }
}
