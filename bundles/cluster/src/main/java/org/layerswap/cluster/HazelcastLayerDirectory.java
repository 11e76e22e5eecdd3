package org.layerswap.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.layerswap.api.LayerId;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.multimap.MultiMap;

/**
 * {@link LayerDirectory} on Hazelcast: a {@link MultiMap} {@value HazelcastConfigs#LAYERS} (digest -> set of
 * {@code "uuid endpoint"}) and an {@link IMap} {@value HazelcastConfigs#PULLS} (digest -> claimant uuid, with a TTL as
 * a backstop). Only JDK strings are stored: no class of ours is ever deserialized by Hazelcast.
 * Invariants: a value of {@code LAYERS} names the member that added it (members add and remove only their own
 * values, {@link #removeMember} removes a departed member's); {@link #holders} reports live members only, so a member
 * that left is never offered as a source even before its entries are cleaned; a claim is taken with
 * {@code putIfAbsent}, so at most one member holds it at a time, and a claim by a member that is gone does not block.
 */
public final class HazelcastLayerDirectory implements LayerDirectory {

    /** A claim outlives no pull by more than this (a member killed mid-pull, before its departure is noticed). */
    static final long CLAIM_TTL_SECONDS = 600;

    private final HazelcastInstance hz;
    private final MultiMap<String, String> layers;
    private final IMap<String, String> pulls;
    private final String selfUuid;
    private final String selfValue;
    private final Object changed = new Object();

    public HazelcastLayerDirectory(HazelcastInstance hz) {
        this.hz = hz;
        this.layers = hz.getMultiMap(HazelcastConfigs.LAYERS);
        this.pulls = hz.getMap(HazelcastConfigs.PULLS);
        Member local = hz.getCluster().getLocalMember();
        this.selfUuid = local.getUuid().toString();
        this.selfValue = selfUuid + " " + local.getAttribute(HazelcastConfigs.PEER_ATTRIBUTE);
        layers.addEntryListener(new Wake<>(), false);
        pulls.addEntryListener(new Wake<String, String>(), false);
    }

    @Override
    public String self() {
        return selfUuid;
    }

    @Override
    public Map<String, String> holders(LayerId id) {
        Set<String> live = liveUuids();
        Map<String, String> out = new TreeMap<>();
        for (String v : layers.get(id.digest())) {
            int sp = v.indexOf(' ');
            String uuid = v.substring(0, sp);
            if (live.contains(uuid)) {
                out.put(uuid, v.substring(sp + 1));
            }
        }
        return out;
    }

    @Override
    public void add(LayerId id) {
        layers.put(id.digest(), selfValue);
    }

    @Override
    public void remove(LayerId id) {
        layers.remove(id.digest(), selfValue);
    }

    @Override
    public int removeMember(String uuid) {
        int n = 0;
        String prefix = uuid + " ";
        for (Map.Entry<String, String> e : layers.entrySet()) {
            if (e.getValue().startsWith(prefix) && layers.remove(e.getKey(), e.getValue())) {
                n++;
            }
        }
        for (Map.Entry<String, String> e : pulls.entrySet()) {
            if (uuid.equals(e.getValue())) {
                pulls.remove(e.getKey(), e.getValue());
            }
        }
        return n;
    }

    @Override
    public Map<String, List<String>> layersByMember() {
        Map<String, List<String>> out = new HashMap<>();
        for (Map.Entry<String, String> e : layers.entrySet()) {
            String v = e.getValue();
            out.computeIfAbsent(v.substring(0, v.indexOf(' ')), k -> new ArrayList<>()).add(e.getKey());
        }
        out.values().forEach(l -> l.sort(null));
        return out;
    }

    @Override
    public boolean tryClaimPull(LayerId id) {
        String current = pulls.putIfAbsent(id.digest(), selfUuid, CLAIM_TTL_SECONDS, TimeUnit.SECONDS);
        if (current == null || current.equals(selfUuid)) {
            return true;
        }
        if (!liveUuids().contains(current) && pulls.replace(id.digest(), current, selfUuid)) {
            return true; // the claimant left before its departure was cleaned up
        }
        return false;
    }

    @Override
    public void releasePull(LayerId id) {
        pulls.remove(id.digest(), selfUuid);
    }

    @Override
    public Optional<String> pullClaimant(LayerId id) {
        return Optional.ofNullable(pulls.get(id.digest()));
    }

    @Override
    public void awaitChange(long maxMillis) throws InterruptedException {
        synchronized (changed) {
            changed.wait(Math.max(1, maxMillis));
        }
    }

    private Set<String> liveUuids() {
        return hz.getCluster().getMembers().stream().map(Member::getUuid).map(UUID::toString).collect(Collectors.toSet());
    }

    private void wake() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /** Any change to either map wakes the waiters of {@link #awaitChange}. */
    private final class Wake<K, V> implements EntryListener<K, V> {
        @Override
        public void entryAdded(EntryEvent<K, V> event) {
            wake();
        }

        @Override
        public void entryRemoved(EntryEvent<K, V> event) {
            wake();
        }

        @Override
        public void entryUpdated(EntryEvent<K, V> event) {
            wake();
        }

        @Override
        public void entryEvicted(EntryEvent<K, V> event) {
            wake();
        }

        @Override
        public void entryExpired(EntryEvent<K, V> event) {
            wake();
        }

        @Override
        public void mapCleared(MapEvent event) {
            wake();
        }

        @Override
        public void mapEvicted(MapEvent event) {
            wake();
        }
    }
}
