package org.layerswap.profiler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;
import org.layerswap.api.PredictionScore;

class ScoreNotifierTest {

    final Object lock = new Object();
    final List<Runnable> queued = new ArrayList<>();
    final List<LayerState> deliveredStates = new ArrayList<>();
    final ScoreNotifier notifier = new ScoreNotifier(lock, queued::add, deliveredStates::add, 0.01);

    static LayerState layer(int i, double score) {
        LayerState l = new LayerState(ProfilerEngineTest.layer(i));
        l.score = score;
        l.time = 7;
        return l;
    }

    @Test
    void nothingIsMarkedWhileNobodyListens() {
        assertFalse(notifier.markChanged(layer(1, 0.5)));
        assertFalse(notifier.markedDirty());
    }

    @Test
    void changesAreCoalescedIntoOnePendingDelivery() {
        List<List<PredictionScore>> got = new ArrayList<>();
        notifier.subscribe(got::add);
        LayerState a = layer(1, 0.5);
        LayerState b = layer(2, 0.3);
        assertTrue(notifier.markChanged(a));
        assertFalse(notifier.markChanged(a), "already in the pending delivery");
        assertTrue(notifier.markedDirty(), "first change: schedule");
        notifier.deliverLater(true);
        assertTrue(notifier.markChanged(b));
        assertFalse(notifier.markedDirty(), "a delivery is already pending: it will carry b too");
        assertEquals(1, queued.size());
        queued.remove(0).run();
        assertEquals(List.of(List.of(new PredictionScore(a.id, 0.5, 7), new PredictionScore(b.id, 0.3, 7))), got);
        assertEquals(List.of(a, b), deliveredStates, "the owner hears of every delivered layer");
        assertFalse(a.dirty);
        assertEquals(0.5, a.notified);
    }

    @Test
    void recordedFunctionsAreAnnouncedOnceEachEvenWhenNoScoreMovedAndNoEmptyScoreListIsSent() {
        List<List<PredictionScore>> scores = new ArrayList<>();
        List<java.util.Set<String>> observed = new ArrayList<>();
        notifier.subscribe(new org.layerswap.api.ScoreListener() {
            @Override
            public void scoresChanged(List<PredictionScore> changed) {
                scores.add(changed);
            }

            @Override
            public void functionsObserved(java.util.Set<String> functionIds) {
                observed.add(functionIds);
            }
        });
        assertTrue(notifier.markObserved("timer"));
        assertFalse(notifier.markObserved("timer"), "already in the pending delivery");
        assertTrue(notifier.markedDirty(), "a function observed is a change to deliver");
        notifier.deliverLater(true);
        assertTrue(notifier.markObserved("other"));
        assertFalse(notifier.markedDirty(), "the pending delivery carries it");
        queued.remove(0).run();
        assertEquals(List.of(java.util.Set.of("timer", "other")), observed);
        assertEquals(List.of(), scores, "no score moved: no score list");
        assertTrue(notifier.markObserved("timer"), "delivered: the next run is news again");
    }

    @Test
    void noFunctionIsKeptWhileNobodyListens() {
        assertFalse(notifier.markObserved("timer"));
        assertFalse(notifier.markedDirty());
    }

    @Test
    void aMoveBelowTheThresholdSinceTheLastNotificationIsNotReported() {
        notifier.subscribe(changed -> { });
        LayerState a = layer(1, 0.5);
        notifier.markChanged(a);
        notifier.markedDirty();
        notifier.deliver();
        a.score = 0.505;
        assertFalse(notifier.markChanged(a));
        notifier.setThreshold(0.001);
        assertTrue(notifier.markChanged(a));
    }

    @Test
    void aFailingListenerIsCountedAndTheOthersStillHear() {
        List<List<PredictionScore>> got = new ArrayList<>();
        notifier.subscribe(changed -> {
            throw new IllegalStateException("boom");
        });
        notifier.subscribe(got::add);
        notifier.markChanged(layer(1, 0.5));
        notifier.markedDirty();
        notifier.deliver();
        assertEquals(1, got.size());
        assertEquals(1, notifier.errors());
    }

    @Test
    void aRejectedDeliveryIsCountedAndTheChangesWaitForTheNextOne() {
        ScoreNotifier rejecting = new ScoreNotifier(lock, r -> {
            throw new RejectedExecutionException("shut down");
        }, l -> { }, 0.01);
        rejecting.subscribe(changed -> { });
        rejecting.markChanged(layer(1, 0.5));
        assertTrue(rejecting.markedDirty());
        rejecting.deliverLater(true);
        assertEquals(1, rejecting.errors());
        assertTrue(rejecting.markedDirty(), "no delivery pending any more: the dirty layer schedules again");
    }

    @Test
    void anUnsubscribedListenerHearsNothingMore() throws Exception {
        List<List<PredictionScore>> got = new ArrayList<>();
        AutoCloseable sub = notifier.subscribe(got::add);
        sub.close();
        assertFalse(notifier.markChanged(layer(1, 0.5)));
        notifier.deliver();
        assertTrue(got.isEmpty());
    }
}
