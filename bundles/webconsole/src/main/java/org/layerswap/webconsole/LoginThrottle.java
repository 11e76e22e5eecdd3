package org.layerswap.webconsole;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Back-off for password guessing, kept per user name and per client address. Once a key has
 * {@code freeFailures} failed logins within {@code window}, it is blocked: first for
 * {@code baseDelay}, and each further failure after a block ends doubles the block (up to
 * {@code maxDelay}). A key that stays quiet for its window plus its current block starts over.
 * A successful login clears both its keys.
 *
 * <p>Invariants: an attempt is allowed only when neither its user nor its address is blocked;
 * attempts refused while blocked are not checked against the realm and change nothing; at most
 * {@code maxKeys} keys are tracked (idle keys are dropped first, then the longest quiet unblocked
 * one; blocked keys last), so
 * a spray of user names cannot grow the heap without bound. Thread-safe (one lock, short work).
 */
final class LoginThrottle {

    /** The limits: {@code freeFailures} per {@code window}, then blocks from base doubling to max. */
    record Policy(int freeFailures, Duration window, Duration baseDelay, Duration maxDelay, int maxKeys) {
        static final Policy DEFAULT = new Policy(10, Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofMinutes(30), 10_000);

        Policy {
            if (freeFailures < 1 || window.isNegative() || window.isZero() || baseDelay.isNegative() || baseDelay.isZero()
                    || maxDelay.compareTo(baseDelay) < 0 || maxKeys < 2) {
                throw new IllegalArgumentException("bad login throttle policy " + freeFailures + "/" + window + " base "
                        + baseDelay + " max " + maxDelay + " keys " + maxKeys);
            }
        }
    }

    /** Longest user name tracked as is; longer names are cut (they cannot exist in the realm anyway). */
    private static final int MAX_USER_LENGTH = 256;

    private final Policy policy;
    private final LongSupplier nanoClock;
    private final Map<String, Record> records = new HashMap<>();

    /** @param nanoClock monotonic nanoseconds, e.g. {@code System::nanoTime} */
    LoginThrottle(Policy policy, LongSupplier nanoClock) {
        this.policy = policy;
        this.nanoClock = nanoClock;
    }

    /** How long attempts for this user or from this address are refused; zero when allowed. */
    synchronized Duration blockedFor(String user, String address) {
        long now = nanoClock.getAsLong();
        long left = Math.max(remaining(userKey(user), now), remaining(addressKey(address), now));
        return Duration.ofNanos(left);
    }

    /** Records a wrong password for the user from the address. */
    synchronized void failed(String user, String address) {
        long now = nanoClock.getAsLong();
        fail(userKey(user), now);
        fail(addressKey(address), now);
        evictIfFull(now);
    }

    /** A correct login: both keys start over. */
    synchronized void succeeded(String user, String address) {
        records.remove(userKey(user));
        records.remove(addressKey(address));
    }

    synchronized int trackedKeys() {
        return records.size();
    }

    private long remaining(String key, long now) {
        Record r = records.get(key);
        return r == null ? 0 : Math.max(0, r.blockedUntil - now);
    }

    private void fail(String key, long now) {
        Record r = records.computeIfAbsent(key, k -> new Record());
        if (r.level > 0 && now - r.lastFailure > policy.window().toNanos() + delay(r.level)) {
            r.level = 0; // quiet long enough: forgiven
        }
        long windowStart = now - policy.window().toNanos();
        while (!r.recent.isEmpty() && r.recent.peekFirst() < windowStart) {
            r.recent.removeFirst();
        }
        r.recent.addLast(now);
        r.lastFailure = now;
        if (r.recent.size() >= policy.freeFailures() || r.level > 0) {
            r.level++;
            r.blockedUntil = now + delay(r.level);
        }
        while (r.recent.size() > policy.freeFailures()) {
            r.recent.removeFirst(); // only the last freeFailures matter
        }
    }

    /** baseDelay * 2^(level-1), capped at maxDelay. */
    private long delay(int level) {
        long base = policy.baseDelay().toNanos();
        long max = policy.maxDelay().toNanos();
        int shift = Math.min(level - 1, 62);
        return base > (max >> shift) ? max : Math.min(max, base << shift);
    }

    private void evictIfFull(long now) {
        if (records.size() <= policy.maxKeys()) {
            return;
        }
        records.values().removeIf(r -> r.blockedUntil <= now && now - r.lastFailure > policy.window().toNanos());
        while (records.size() > policy.maxKeys()) {
            String quietest = records.entrySet().stream()
                    .min(Comparator.<Map.Entry<String, Record>, Boolean>comparing(e -> e.getValue().blockedUntil > now)
                            .thenComparingLong(e -> e.getValue().lastFailure))
                    .orElseThrow().getKey();
            records.remove(quietest);
        }
    }

    private static String userKey(String user) {
        String u = user == null ? "" : user;
        return "u:" + (u.length() > MAX_USER_LENGTH ? u.substring(0, MAX_USER_LENGTH) : u);
    }

    private static String addressKey(String address) {
        return "a:" + (address == null ? "" : address);
    }

    private static final class Record {
        final Deque<Long> recent = new ArrayDeque<>();
        long lastFailure;
        long blockedUntil;
        int level;
    }
}
