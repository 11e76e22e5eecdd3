package org.layerswap.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.layerswap.api.InvocationEvent;
import org.layerswap.api.ProfilePartitioning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.IMap;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.ReplicaMigrationEvent;
import com.hazelcast.query.Predicates;
import com.hazelcast.query.QueryConstants;
import com.hazelcast.replicatedmap.ReplicatedMap;

/**
 * The partitioned profiler on Hazelcast (issue 15): a function's model lives on the member owning the function's
 * partition, in that member's own profiler ({@link ProfilePartitioning.OwnedProfiles}); Hazelcast holds the routing,
 * the backups and the published estimates, in JDK types only ({@link ProfileWire}).
 * <ul>
 * <li><b>Routing.</b> {@link #ingest} puts the event into the inbox map {@value HazelcastConfigs#PROFILE_EVENTS} under
 * {@code "<key>@<function>"} (key: this member's uuid and a sequence number), which lives in the function's partition;
 * {@code set} returns once the owner and its backups hold it (the acknowledgement). {@link #ingestAll} puts a whole
 * batch with one {@code putAllAsync} (one operation per owning member) and completes when all of it is held. The owner
 * hears of each event through a <i>local</i> entry listener (fired only on the partition's owner) and records it at
 * once.</li>
 * <li><b>Backups.</b> Every {@code flushMillis} the owner exports the functions that changed (the profiler's snapshot
 * bytes) into {@value HazelcastConfigs#PROFILES} (function id -> bytes, same partition, {@code backupCount} synchronous
 * backups), publishes their estimates into the replicated map {@value HazelcastConfigs#ESTIMATES} (every member
 * reads them locally), and only then deletes the inbox entries it recorded: an event is in the inbox or in the
 * backed-up state, never in neither.</li>
 * <li><b>Migration.</b> On each flush (and at once after a migration or a departure) the member compares the
 * partitions it owns with those it owned: for a gained partition it adopts the states of its functions and records
 * the inbox entries left there (by a departed owner: at least once, never lost); for a lost one it drops those
 * functions from its model. A function first seen on a gained partition before that sweep is adopted on its event.
 * A state written by another member into a partition this member owns (the previous owner's last flush, landing after
 * the partition moved) is adopted too, unless this member has recorded an event of that function since its adoption
 * (then its own model, which has the newer events, wins; the previous owner's last interval is lost: a join-time
 * window of at most {@code flushMillis}, never a crash, whose events the inbox replays).</li>
 * </ul>
 * Invariant: the model ({@code local}), {@code adopted}, {@code dirty} and {@code recorded} change only under
 * {@code lock}, so no event lands between an adoption's snapshot and its restore.
 */
public final class PartitionedProfiles implements ProfilePartitioning, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionedProfiles.class);

    private final HazelcastInstance hz;
    private final IMap<String, String[]> inbox;
    private final IMap<String, byte[]> states;
    private final ReplicatedMap<String, String> estimates;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer;
    private final UUID membershipListener;
    private final UUID migrationListener;
    private final String keyPrefix;
    private final AtomicLong keySequence = new AtomicLong();

    private final Object lock = new Object();
    private ProfilePartitioning.OwnedProfiles local;
    private UUID inboxListener;
    private UUID statesListener;
    /** Functions with an event recorded here since their adoption: a late foreign state must not replace them. */
    private final Set<String> recordedSinceAdoption = new HashSet<>();
    private final Set<String> adopted = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    /** Inbox keys recorded into the model, deleted from the inbox by the next flush. */
    private final Set<String> recorded = new HashSet<>();
    private Set<Integer> owned = Set.of();

    public PartitionedProfiles(HazelcastInstance hz, long flushMillis, LongSupplier clock) {
        if (flushMillis <= 0) {
            throw new IllegalArgumentException("profile flush interval must be positive, was " + flushMillis + " ms");
        }
        this.hz = hz;
        this.inbox = hz.getMap(HazelcastConfigs.PROFILE_EVENTS);
        this.states = hz.getMap(HazelcastConfigs.PROFILES);
        this.estimates = hz.getReplicatedMap(HazelcastConfigs.ESTIMATES);
        this.clock = clock;
        this.keyPrefix = hz.getCluster().getLocalMember().getUuid() + "-";
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "layerswap-cluster-profiles");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flushQuietly, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
        this.membershipListener = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                soon();
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                soon();
            }
        });
        this.migrationListener = hz.getPartitionService().addMigrationListener(new MigrationListener() {
            @Override
            public void migrationStarted(MigrationState state) {
                // nothing: ownership is compared when it is finished
            }

            @Override
            public void migrationFinished(MigrationState state) {
                soon();
            }

            @Override
            public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
                // the whole migration's end is enough
            }

            @Override
            public void replicaMigrationFailed(ReplicaMigrationEvent event) {
                // retried by Hazelcast
            }
        });
    }

    private void soon() {
        try {
            timer.execute(this::flushQuietly);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing
        }
    }

    @Override
    public void ingest(InvocationEvent event) {
        inbox.set(ProfileWire.eventKey(nextKeyPrefix(), event.functionId()), ProfileWire.encodeEvent(event));
    }

    /**
     * One {@code putAllAsync} for the whole batch, one inbox entry per function of the batch (its events in their
     * order): Hazelcast groups the entries by partition and sends one operation per owning member, which answers once the entries and their synchronous backups are written; the stage completes
     * when every member answered (the batch's acknowledgement), exceptionally when any put failed (then some events
     * of the batch may be in the inbox and are recorded: the caller resends, at least once, never lost).
     */
    @Override
    public CompletionStage<Void> ingestAll(List<InvocationEvent> events) {
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            Map<String, List<InvocationEvent>> byFunction = new LinkedHashMap<>();
            for (InvocationEvent e : events) {
                byFunction.computeIfAbsent(e.functionId(), f -> new ArrayList<>()).add(e);
            }
            Map<String, String[]> batch = new HashMap<>(byFunction.size() * 4 / 3 + 1);
            byFunction.forEach((f, list) -> batch.put(ProfileWire.eventKey(nextKeyPrefix(), f),
                    list.size() == 1 ? ProfileWire.encodeEvent(list.get(0)) : ProfileWire.encodeEvents(list)));
            CompletableFuture<Void> accepted = new CompletableFuture<>(); // a plain one: Hazelcast's ignores allOf & co.
            inbox.putAllAsync(batch).whenComplete((ok, failure) -> {
                if (failure != null) {
                    accepted.completeExceptionally(failure);
                } else {
                    accepted.complete(null);
                }
            });
            return accepted;
        } catch (RuntimeException e) { // not active, or a bad event: the whole batch is not accepted
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Unique across members and restarts (a member's uuid is new at every start), cheaper than a random UUID. */
    private String nextKeyPrefix() {
        return keyPrefix + Long.toHexString(keySequence.incrementAndGet());
    }

    @Override
    public AutoCloseable attach(OwnedProfiles profiles) {
        synchronized (lock) {
            if (local != null) {
                throw new IllegalStateException("a profiler is already attached to the cluster");
            }
            local = profiles;
            owned = Set.of();
            inboxListener = inbox.addLocalEntryListener((EntryAddedListener<String, String[]>) e -> onEvent(e.getKey(), e.getValue()));
            statesListener = states.addLocalEntryListener(new StateListener() {
                @Override
                public void entryAdded(EntryEvent<String, byte[]> e) {
                    onForeignState(e);
                }

                @Override
                public void entryUpdated(EntryEvent<String, byte[]> e) {
                    onForeignState(e);
                }
            });
        }
        flush();
        return () -> detach(profiles);
    }

    private void detach(OwnedProfiles profiles) {
        synchronized (lock) {
            if (local != profiles) {
                return;
            }
            try {
                flush();
                inbox.removeEntryListener(inboxListener);
                states.removeEntryListener(statesListener);
            } catch (HazelcastInstanceNotActiveException gone) {
                // the member is down: its backups are what the others adopt
            }
            local = null;
            adopted.clear();
            dirty.clear();
            recorded.clear();
            recordedSinceAdoption.clear();
        }
    }

    /** Fired on this member as the owner of the entry's partition, for every write, its own included. */
    private interface StateListener extends EntryAddedListener<String, byte[]>, EntryUpdatedListener<String, byte[]> {
    }

    private void onForeignState(EntryEvent<String, byte[]> e) {
        if (e.getMember() == null || e.getMember().localMember() || e.getValue() == null) {
            return;
        }
        synchronized (lock) {
            if (local == null || recordedSinceAdoption.contains(e.getKey())) {
                return;
            }
            local.adopt(List.of(e.getValue()));
            adopted.add(e.getKey());
        }
    }

    @Override
    public Optional<FunctionEstimate> estimate(String functionId) {
        String text = estimates.get(functionId);
        return text == null ? Optional.empty() : Optional.of(ProfileWire.decodeEstimate(functionId, text));
    }

    /** Functions whose estimate some owner published (what the placement rule places). */
    public Set<String> knownFunctions() {
        return Set.copyOf(estimates.keySet());
    }

    /** The partition of {@code functionId} (the inbox and state entries of the function live there). */
    public int partitionOf(String functionId) {
        return hz.getPartitionService().getPartition(functionId).getPartitionId();
    }

    /** The function's backed-up state (the owner's last flush), or null. */
    public byte[] state(String functionId) {
        return states.get(functionId);
    }

    private void onEvent(String key, String[] value) {
        synchronized (lock) {
            if (local == null || recorded.contains(key)) {
                return;
            }
            List<InvocationEvent> events;
            try {
                events = ProfileWire.decodeEvents(key, value);
            } catch (IllegalArgumentException bad) {
                LOG.warn("cluster profiles: dropping inbox entry: {}", bad.getMessage());
                inbox.delete(key);
                return;
            }
            String function = ProfileWire.functionOf(key);
            if (adopted.add(function)) {
                byte[] s = states.get(function);
                if (s != null) {
                    local.adopt(List.of(s));
                }
            }
            events.forEach(local::record);
            recordedSinceAdoption.add(function);
            recorded.add(key);
            dirty.add(function);
        }
    }

    /** Backs up what changed, publishes estimates, deletes recorded events, then follows partition moves. */
    public void flush() {
        synchronized (lock) {
            if (local == null) {
                return;
            }
            if (!dirty.isEmpty()) {
                Map<String, byte[]> exported = local.export(dirty);
                states.putAll(exported);
                long now = clock.getAsLong();
                String self = hz.getCluster().getLocalMember().getUuid().toString();
                for (String f : exported.keySet()) {
                    FunctionEstimate est = local.estimate(f, now);
                    if (est != null) {
                        estimates.put(f, ProfileWire.encodeEstimate(est, self));
                    }
                }
                dirty.clear();
            }
            deleteRecorded();
            followOwnership();
        }
    }

    /**
     * Deletes the recorded inbox entries with one {@code removeAll} per partition holding some (one local operation
     * each, with its backups; the predicate names only that partition's keys) rather than a round trip per entry.
     * (Hazelcast 5.5's {@code deleteAsync} and {@code removeAsync} miss keys under the map's partitioning strategy:
     * they answered false for a present key.)
     */
    private void deleteRecorded() {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (String k : recorded) {
            byPartition.computeIfAbsent(partitionOf(ProfileWire.functionOf(k)), p -> new ArrayList<>()).add(k);
        }
        for (List<String> keys : byPartition.values()) {
            inbox.removeAll(Predicates.partitionPredicate(ProfileWire.functionOf(keys.get(0)),
                    Predicates.in(QueryConstants.KEY_ATTRIBUTE_NAME.value(), keys.toArray(new String[0]))));
        }
        recorded.clear();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (HazelcastInstanceNotActiveException gone) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.warn("cluster profiles: flush failed: {}", e.toString());
        }
    }

    private void followOwnership() {
        Set<Integer> now = new HashSet<>();
        for (Partition p : hz.getPartitionService().getPartitions()) {
            if (p.getOwner() != null && p.getOwner().localMember()) {
                now.add(p.getPartitionId());
            }
        }
        if (now.equals(owned)) {
            return;
        }
        List<String> lost = new ArrayList<>();
        for (String f : adopted) {
            if (!now.contains(partitionOf(f))) {
                lost.add(f);
            }
        }
        local.drop(lost);
        lost.forEach(adopted::remove);
        lost.forEach(recordedSinceAdoption::remove);
        Set<Integer> gained = new HashSet<>(now);
        gained.removeAll(owned);
        owned = Set.copyOf(now);
        Set<String> take = new HashSet<>();
        for (String f : states.localKeySet()) {
            if (gained.contains(partitionOf(f)) && !adopted.contains(f)) {
                take.add(f);
            }
        }
        if (!take.isEmpty()) {
            local.adopt(states.getAll(take).values());
            adopted.addAll(take);
        }
        Set<String> left = new HashSet<>();
        for (String k : inbox.localKeySet()) {
            if (!recorded.contains(k) && gained.contains(partitionOf(ProfileWire.functionOf(k)))) {
                left.add(k);
            }
        }
        List<Map.Entry<String, String[]>> entries = new ArrayList<>(inbox.getAll(left).entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<String, String[]> e) -> ProfileWire.firstTimestamp(e.getValue()))
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, String[]> e : entries) {
            onEvent(e.getKey(), e.getValue());
        }
        LOG.info("cluster profiles: {} partitions owned; {} functions adopted, {} dropped, {} inbox events taken over", now.size(),
                take.size(), lost.size(), entries.size());
    }

    /** Partitions this member owned at the last flush. */
    public int partitionsOwned() {
        synchronized (lock) {
            return owned.size();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            hz.getCluster().removeMembershipListener(membershipListener);
            hz.getPartitionService().removeMigrationListener(migrationListener);
        } catch (HazelcastInstanceNotActiveException gone) {
            // nothing to remove from
        }
    }
}
