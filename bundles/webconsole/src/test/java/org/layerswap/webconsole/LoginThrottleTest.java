package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottle.Policy(10, Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofMinutes(30), 100), clock::get);

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    private void fail(int times, String user, String address) {
        for (int i = 0; i < times; i++) {
            throttle.failed(user, address);
            advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void nineFailuresInAMinuteLeaveTheUserFree() {
        fail(9, "karaf", "10.0.0.1");
        assertEquals(Duration.ZERO, throttle.blockedFor("karaf", "10.0.0.1"));
    }

    @Test
    void theTenthFailureInAMinuteBlocksTheEleventhAttempt() {
        fail(10, "karaf", "10.0.0.1");
        assertEquals(Duration.ofSeconds(29), throttle.blockedFor("karaf", "10.0.0.1"));
    }

    @Test
    void failuresSpreadBeyondTheWindowNeverBlock() {
        for (int i = 0; i < 30; i++) {
            throttle.failed("karaf", "10.0.0.1");
            advance(Duration.ofSeconds(7));
        }
        assertEquals(Duration.ZERO, throttle.blockedFor("karaf", "10.0.0.1"));
    }

    @Test
    void theUserIsBlockedFromEveryAddress() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("karaf", "10.0.0." + i);
        }
        assertTrue(throttle.blockedFor("karaf", "192.168.1.1").toSeconds() > 0);
        assertEquals(Duration.ZERO, throttle.blockedFor("alice", "192.168.1.1"));
    }

    @Test
    void theAddressIsBlockedForEveryUser() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("user" + i, "10.0.0.1");
        }
        assertTrue(throttle.blockedFor("alice", "10.0.0.1").toSeconds() > 0);
        assertEquals(Duration.ZERO, throttle.blockedFor("alice", "10.0.0.2"));
    }

    @Test
    void eachFailureAfterABlockDoublesTheNextBlock() {
        fail(10, "karaf", "a");
        advance(Duration.ofSeconds(30));
        throttle.failed("karaf", "a");
        assertEquals(Duration.ofSeconds(60), throttle.blockedFor("karaf", "a"));
        advance(Duration.ofSeconds(60));
        throttle.failed("karaf", "a");
        assertEquals(Duration.ofSeconds(120), throttle.blockedFor("karaf", "a"));
    }

    @Test
    void theBlockNeverExceedsTheMaximum() {
        fail(10, "karaf", "a");
        for (int i = 0; i < 80; i++) {
            advance(throttle.blockedFor("karaf", "a"));
            throttle.failed("karaf", "a");
        }
        assertEquals(Duration.ofMinutes(30), throttle.blockedFor("karaf", "a"));
    }

    @Test
    void aQuietKeyIsForgivenAfterItsWindowAndBlock() {
        fail(10, "karaf", "a");
        advance(Duration.ofSeconds(30 + 61));
        throttle.failed("karaf", "a");
        assertEquals(Duration.ZERO, throttle.blockedFor("karaf", "a"));
    }

    @Test
    void aSuccessfulLoginClearsTheUserAndTheAddress() {
        fail(10, "karaf", "a");
        throttle.succeeded("karaf", "a");
        assertEquals(Duration.ZERO, throttle.blockedFor("karaf", "a"));
        assertEquals(0, throttle.trackedKeys());
    }

    @Test
    void aSprayOfUserNamesKeepsTheTrackedKeysBounded() {
        for (int i = 0; i < 10_000; i++) {
            throttle.failed("user" + i, "10.0.0.1");
        }
        assertTrue(throttle.trackedKeys() <= 100, "tracked " + throttle.trackedKeys());
        assertTrue(throttle.blockedFor("anyone", "10.0.0.1").toSeconds() > 0, "the spraying address stays blocked");
    }

    @Test
    void aPolicyWithoutFreeFailuresIsRefusedNamingTheLimits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LoginThrottle.Policy(0, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(2), 10));
        assertTrue(e.getMessage().contains("0/PT1M"), e.getMessage());
    }
}
