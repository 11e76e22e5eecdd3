package org.layerswap.swap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** A planner thread the test runs by hand on a manual clock: queued tasks on {@link #runQueued}, timers on {@link #advanceTo}. */
final class ManualPlannerThread implements PlanningTriggers.PlannerThread {

    private record Timer(long atMillis, Runnable task, CompletableFuture<Void> handle) {
    }

    final AtomicLong clock;
    private final Deque<Runnable> queued = new ArrayDeque<>();
    private final List<Timer> timers = new ArrayList<>();

    ManualPlannerThread(AtomicLong clock) {
        this.clock = clock;
    }

    @Override
    public void execute(Runnable task) {
        queued.add(task);
    }

    @Override
    public Future<?> schedule(Runnable task, long delayMillis) {
        Timer t = new Timer(clock.get() + delayMillis, task, new CompletableFuture<>());
        timers.add(t);
        return t.handle();
    }

    int queuedTasks() {
        return queued.size();
    }

    /** Runs the queued tasks (and those they queue). */
    void runQueued() {
        for (Runnable r; (r = queued.poll()) != null; ) {
            r.run();
        }
    }

    /** Live timers' due times, earliest first. */
    List<Long> timers() {
        return timers.stream().filter(t -> !t.handle().isCancelled()).map(Timer::atMillis).sorted().toList();
    }

    /** Moves the clock to {@code t}, firing each live timer due by then at its own time, in time order. */
    void advanceTo(long t) {
        runQueued();
        while (true) {
            Timer next = timers.stream().filter(x -> !x.handle().isCancelled() && x.atMillis() <= t)
                    .min(Comparator.comparingLong(Timer::atMillis)).orElse(null);
            if (next == null) {
                break;
            }
            timers.remove(next);
            clock.set(Math.max(clock.get(), next.atMillis()));
            next.task().run();
            next.handle().complete(null);
            runQueued();
        }
        clock.set(t);
    }
}
