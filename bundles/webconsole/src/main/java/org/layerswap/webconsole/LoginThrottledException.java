package org.layerswap.webconsole;

import java.time.Duration;

import javax.security.auth.login.AccountLockedException;

/**
 * Thrown by {@link ThrottlingLoginModule} instead of checking a password while the user or the
 * client address is blocked. An {@link AccountLockedException}, so Karaf's SSH server and the
 * Felix console treat it as an ordinary refused login; the dashboard reads {@link #retryAfter()}
 * for its 429 answer.
 */
public final class LoginThrottledException extends AccountLockedException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    LoginThrottledException(Duration retryAfter) {
        super("too many failed logins; retry after " + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s");
        this.retryAfter = retryAfter;
    }

    /** How long the block still lasts when the login was refused. */
    public Duration retryAfter() {
        return retryAfter == null ? Duration.ofSeconds(1) : retryAfter;
    }
}
