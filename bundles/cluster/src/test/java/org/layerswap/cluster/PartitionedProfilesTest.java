package org.layerswap.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.layerswap.api.InvocationEvent;
import org.layerswap.api.ProfilePartitioning.FunctionEstimate;
import org.layerswap.profiler.engine.SnapshotCodec;

import com.hazelcast.core.HazelcastInstanceNotActiveException;

/** Real Hazelcast members on 127.0.0.1 with real profiler engines ({@link ProfileCluster}). */
class PartitionedProfilesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private static void ingest(ProfileCluster.Member on, String function, int n, long start) {
        for (int k = 0; k < n; k++) {
            on.node().profiles().ingest(InvocationEvent.of(function, start + k * 30_000L));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anEventIngestedOnANonOwnerReachesTheOwnersModelItsEstimateAndPlacementAreTheSameOnEveryMember() throws Exception {
        try (ProfileCluster c = new ProfileCluster(dir, 3)) {
            for (int i = 0; i < 3; i++) {
                c.start(i);
            }
            c.awaitStable(3);
            String f = c.functionOwnedBy(1, "orders-");
            ingest(c.members[0], f, 4, 9_000_000L);
            ingest(c.members[2], f, 2, 9_200_000L);
            c.await("the owner recorded the six events", WAIT, () -> c.members[1].count(f) == 6);
            assertNull(c.members[0].engine().profiles().profile(f), "a non-owner keeps no model of the function");
            assertNull(c.members[2].engine().profiles().profile(f));
            double ownerP = c.members[1].engine().functionProbability(f, ProfileCluster.NOW);
            c.await("every member reads the owner's estimate", WAIT, () -> List.of(c.members).stream()
                    .allMatch(m -> m.node().profiles().estimate(f).map(e -> e.invocations() == 6).orElse(false)));
            for (ProfileCluster.Member m : c.members) {
                FunctionEstimate e = m.node().profiles().estimate(f).orElseThrow();
                assertEquals(c.members[1].uuid(), e.ownerUuid());
                assertEquals(ownerP, e.probability(), 1e-12);
                assertNotNull(e.nextUse(), "the owner's next-use prediction is published too");
            }
            var placement = c.members[0].node().place(f).orElseThrow();
            for (ProfileCluster.Member m : c.members) {
                assertEquals(placement, m.node().place(f).orElseThrow(), "every member places " + f + " alike");
            }
            assertEquals(3, placement.members());
            c.await("the recorded events left the inbox", WAIT,
                    () -> c.members[0].node().hazelcast().getMap(HazelcastConfigs.PROFILE_EVENTS).isEmpty());
            assertEquals(6, SnapshotCodec.decode(c.members[0].node().profiles().state(f), f).functions().get(0).count(),
                    "the backed-up state is readable from a non-owner");
        }
    }

    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void aKilledOwnersModelsLiveOnInTheSurvivorsAndARejoiningMemberTakesPartitionsBack() throws Exception {
        try (ProfileCluster c = new ProfileCluster(dir, 3)) {
            for (int i = 0; i < 3; i++) {
                c.start(i);
            }
            c.awaitStable(3);
            Map<String, Long> expected = new HashMap<>();
            Map<String, Double> probability = new HashMap<>();
            for (int k = 0; k < 24; k++) {
                String f = c.functionOwnedBy(2, "fn" + k + "-");
                ingest(c.members[k % 2], f, 3 + k % 6, 9_000_000L + k * 1000);
                expected.put(f, 3L + k % 6);
            }
            c.await("the owner recorded every event", WAIT, () -> expected.entrySet().stream()
                    .allMatch(e -> c.members[2].count(e.getKey()) == e.getValue()));
            for (String f : expected.keySet()) {
                probability.put(f, c.members[2].engine().functionProbability(f, ProfileCluster.NOW));
            }
            // acknowledged after the owner's last backup: these live in the inbox's backups only
            String late = expected.keySet().iterator().next();
            c.members[2].node().profiles().flush();
            c.quiet(2);
            ingest(c.members[0], late, 2, 9_900_000L);
            expected.merge(late, 2L, Long::sum);
            c.await("the owner recorded the late events", WAIT, () -> c.members[2].count(late) == expected.get(late));

            c.terminate(2);
            c.await("the survivors hold every model of the killed member", WAIT, () -> expected.entrySet().stream()
                    .allMatch(e -> c.members[0].count(e.getKey()) + c.members[1].count(e.getKey()) == e.getValue()));
            for (String f : expected.keySet()) {
                ProfileCluster.Member owner = c.members[0].owns(f) ? c.members[0] : c.members[1];
                assertTrue(owner.owns(f));
                assertEquals(0, (c.members[0] == owner ? c.members[1] : c.members[0]).count(f), "one model per function");
                if (!f.equals(late)) {
                    assertEquals(probability.get(f), owner.engine().functionProbability(f, ProfileCluster.NOW), 1e-9,
                            "score of " + f + " on its new owner");
                }
            }

            ProfileCluster.Member back = c.start(2);
            c.awaitStable(3);
            assertTrue(back.node().profiles().partitionsOwned() > 0, "the rejoined member owns partitions again");
            String f = c.functionOwnedBy(2, "fn-after-");
            ingest(c.members[0], f, 1, 9_950_000L);
            c.await("the rejoined member records its own functions", WAIT, () -> back.count(f) == 1);
            c.await("it took back the models of the partitions it owns now", WAIT, () -> expected.entrySet().stream()
                    .filter(e -> back.owns(e.getKey())).allMatch(e -> back.count(e.getKey()) == e.getValue()));
            long taken = expected.keySet().stream().filter(back::owns).count();
            assertTrue(taken > 0, "the rejoined member owns some of the 24 functions' partitions (each with p ~ 1/3)");
            c.await("the members it took them from dropped their models", WAIT, () -> expected.keySet().stream()
                    .allMatch(g -> c.members[0].count(g) + c.members[1].count(g) + back.count(g) == expected.get(g)));
            for (String g : expected.keySet()) {
                int holders = (c.members[0].count(g) > 0 ? 1 : 0) + (c.members[1].count(g) > 0 ? 1 : 0) + (back.count(g) > 0 ? 1 : 0);
                assertEquals(1, holders, "exactly one member holds " + g + "'s model");
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBatchFromANonOwnerIsAcknowledgedWhenItsOwnersHoldItAndReachesThemWithEqualCounts() throws Exception {
        try (ProfileCluster c = new ProfileCluster(dir, 3)) {
            for (int i = 0; i < 3; i++) {
                c.start(i);
            }
            c.awaitStable(3);
            Map<String, Long> expected = new HashMap<>();
            List<InvocationEvent> batch = new ArrayList<>();
            for (int k = 0; k < 12; k++) { // four functions owned by each member, the sender's own among them
                String f = c.functionOwnedBy(k % 3, "batch" + k + "-");
                for (int j = 0; j <= k; j++) {
                    batch.add(InvocationEvent.of(f, 9_000_000L + j * 30_000L));
                }
                expected.put(f, k + 1L);
            }
            Collections.shuffle(batch, new Random(15));
            c.members[0].node().profiles().ingestAll(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
            c.await("every owner recorded its functions' events", WAIT, () -> expected.entrySet().stream()
                    .allMatch(e -> ownerOf(c, e.getKey()).count(e.getKey()) == e.getValue()));
            long recorded = 0;
            for (ProfileCluster.Member m : c.members) {
                for (String f : expected.keySet()) {
                    recorded += m.count(f);
                }
            }
            assertEquals(batch.size(), recorded, "each event of the batch recorded exactly once, on its owner only");
            c.await("the recorded events left the inbox", WAIT,
                    () -> c.members[1].node().hazelcast().getMap(HazelcastConfigs.PROFILE_EVENTS).isEmpty());
        }
    }

    @Test
    @Timeout(value = 45, unit = TimeUnit.SECONDS)
    void anAcknowledgedBatchSurvivesItsOwnersDeathBeforeAnyBackupOfTheModel() throws Exception {
        try (ProfileCluster c = new ProfileCluster(dir, 3)) {
            for (int i = 0; i < 3; i++) {
                c.start(i);
            }
            c.awaitStable(3);
            String f = c.functionOwnedBy(2, "doomed-");
            String g = c.functionOwnedBy(2, "doomed-too-");
            c.quiet(2); // the owner flushes no more: what it records lives only in the inbox and its backup
            List<InvocationEvent> batch = new ArrayList<>();
            for (int j = 0; j < 40; j++) {
                batch.add(InvocationEvent.of(j % 4 == 0 ? g : f, 9_000_000L + j * 30_000L));
            }
            c.members[0].node().profiles().ingestAll(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
            c.await("the owner recorded the batch", WAIT, () -> c.members[2].count(f) == 30 && c.members[2].count(g) == 10);
            c.terminate(2);
            c.await("the survivors replayed the acknowledged batch from the inbox", WAIT,
                    () -> c.members[0].count(f) + c.members[1].count(f) == 30 && c.members[0].count(g) + c.members[1].count(g) == 10);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBatchThatCouldNotBePutCompletesExceptionallyAndNothingOfItIsRecorded() throws Exception {
        try (ProfileCluster c = new ProfileCluster(dir, 2)) {
            c.start(0);
            c.start(1);
            c.awaitStable(2);
            String f = c.functionOwnedBy(1, "lost-");
            PartitionedProfiles sender = c.members[0].node().profiles();
            c.members[0].node().hazelcast().getLifecycleService().terminate(); // the sender's member is gone
            var stage = sender.ingestAll(List.of(InvocationEvent.of(f, 9_000_000L), InvocationEvent.of(f, 9_030_000L)))
                    .toCompletableFuture();
            ExecutionException e = assertThrows(ExecutionException.class, () -> stage.get(10, TimeUnit.SECONDS),
                    "a batch Hazelcast did not take is not acknowledged");
            assertTrue(e.getCause() instanceof HazelcastInstanceNotActiveException, String.valueOf(e.getCause()));
            assertTrue(sender.ingestAll(List.of()).toCompletableFuture().isDone(), "an empty batch needs no cluster");
            assertEquals(0, c.members[1].count(f));
        }
    }

    private static ProfileCluster.Member ownerOf(ProfileCluster c, String function) {
        for (ProfileCluster.Member m : c.members) {
            if (m != null && m.owns(function)) {
                return m;
            }
        }
        throw new AssertionError("no member owns " + function);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aMalformedInboxEntryIsDroppedAndTheEventsAroundItAreRecorded() throws Exception {
        try (ProfileCluster c = new ProfileCluster(dir, 1)) {
            ProfileCluster.Member m = c.start(0);
            c.awaitStable(1);
            var inbox = m.node().hazelcast().<String, String[]>getMap(HazelcastConfigs.PROFILE_EVENTS);
            ingest(m, "f", 1, 9_000_000L);
            inbox.set(ProfileWire.eventKey("bad", "f"), new String[] {"not-a-time", ""});
            ingest(m, "f", 1, 9_100_000L);
            c.await("both good events recorded and the bad entry gone", WAIT, () -> m.count("f") == 2 && inbox.isEmpty());
            assertEquals(2, m.node().profiles().estimate("f").orElseThrow().invocations());
        }
    }

    private static void assertNull(Object o, String... message) {
        org.junit.jupiter.api.Assertions.assertNull(o, message.length == 0 ? null : message[0]);
    }
}
