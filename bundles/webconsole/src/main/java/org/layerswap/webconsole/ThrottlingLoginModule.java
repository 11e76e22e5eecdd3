package org.layerswap.webconsole;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JAAS login module that goes first in a realm (flag {@code requisite}, see
 * {@link ThrottledRealm}) and applies a shared {@link LoginThrottle} to every password login of
 * that realm, whatever entry point started it (SSH, the Felix console, the dashboard, JMX).
 *
 * <p>Protocol with {@link javax.security.auth.login.LoginContext}: {@code login()} throws
 * {@link LoginThrottledException} while the user or client address is blocked (a requisite failure:
 * the password modules after it are never asked); otherwise it returns {@code false}, "ignore me",
 * so it can never make a login succeed by itself. The context then calls {@code commit()} on every
 * module when the whole login succeeded and {@code abort()} when it failed: those record the
 * success or the failure. Invariants: a refused (throttled) attempt changes no state; a login that
 * offers no password (an SSH public key) is neither blocked nor counted, so the operator's key
 * keeps working while guessers are locked out; without a throttle in its options the module
 * refuses every password login (fail closed).
 *
 * <p>Created by Karaf's {@code ProxyLoginModule} from this bundle, one instance per login.
 */
public final class ThrottlingLoginModule implements LoginModule {

    /** Option key under which {@link ThrottledRealm} passes the shared {@link LoginThrottle} object. */
    static final String THROTTLE_OPTION = "org.layerswap.login.throttle";

    private static final Logger LOG = LoggerFactory.getLogger(ThrottlingLoginModule.class);

    private Subject subject;
    private CallbackHandler handler;
    private LoginThrottle throttle;
    /** Set by login(): the user of a password login, null for other logins (public key) and refused ones. */
    private String user;
    private String address;

    public ThrottlingLoginModule() {
        // instantiated by name through ProxyLoginModule
    }

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState, Map<String, ?> options) {
        this.subject = subject;
        this.handler = callbackHandler;
        Object t = options == null ? null : options.get(THROTTLE_OPTION);
        this.throttle = t instanceof LoginThrottle lt ? lt : null;
    }

    @Override
    public boolean login() throws LoginException {
        String name = passwordLoginUser();
        if (name == null) {
            return false; // no password offered: nothing to guess here
        }
        String from = ClientAddress.of(subject);
        if (throttle == null) {
            throw new LoginException("login throttle not configured: password logins refused");
        }
        Duration blocked = throttle.blockedFor(name, from);
        if (!blocked.isZero()) {
            LOG.warn("login for user '{}' from '{}' refused unchecked: throttled for {} s more", name, from, blocked.toSeconds());
            throw new LoginThrottledException(blocked);
        }
        this.user = name;
        this.address = from;
        return false;
    }

    @Override
    public boolean commit() {
        if (user != null) {
            throttle.succeeded(user, address);
            user = null;
        }
        return false;
    }

    @Override
    public boolean abort() {
        if (user != null) {
            throttle.failed(user, address);
            user = null;
        }
        return false;
    }

    @Override
    public boolean logout() {
        return false;
    }

    /** The user name when the handler answers a name and a password callback; null when it cannot. */
    private String passwordLoginUser() throws LoginException {
        if (handler == null) {
            return null;
        }
        NameCallback name = new NameCallback("user: ");
        PasswordCallback password = new PasswordCallback("password: ", false);
        try {
            handler.handle(new Callback[] {name, password});
        } catch (UnsupportedCallbackException notAPasswordLogin) {
            return null;
        } catch (IOException e) {
            throw new LoginException("cannot read the login's credentials: " + e.getMessage());
        }
        char[] given = password.getPassword();
        password.clearPassword();
        if (given == null) {
            return null;
        }
        Arrays.fill(given, '\0');
        return name.getName() == null ? "" : name.getName();
    }
}
