package org.layerswap.webconsole;

import java.security.Principal;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.apache.karaf.jaas.boot.principal.ClientPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks credentials against a Karaf JAAS realm and returns the user's roles. Throttling happens
 * inside the realm ({@link ThrottledRealm}, {@link ThrottlingLoginModule}): the subject carries the
 * client address as a {@link ClientPrincipal}, so the form login, HTTP Basic, SSH and the Felix
 * console share one throttle (a guesser cannot switch between them to get more tries).
 */
final class JaasAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(JaasAuthenticator.class);

    /** Thrown instead of checking the password while the user or address is blocked. */
    static final class Throttled extends Exception {
        private static final long serialVersionUID = 1L;
        private final Duration retryAfter;

        Throttled(Duration retryAfter) {
            super("too many failed logins; retry after " + Math.max(1, retryAfter.toSeconds()) + " s");
            this.retryAfter = retryAfter;
        }

        /** Whole seconds to wait (at least 1), for a Retry-After header. */
        long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    private final String realm;

    JaasAuthenticator(String realm) {
        this.realm = realm;
    }

    /**
     * The user's role names, or empty when the credentials are wrong (the failure counts against
     * the user and the client address). Never logs the password.
     *
     * @throws Throttled when the realm's throttle refused the login unchecked
     */
    Optional<Set<String>> login(String user, char[] password, String address) throws Throttled {
        if (user == null || user.isBlank() || password == null) {
            return Optional.empty();
        }
        Subject subject = new Subject();
        subject.getPrincipals().add(new ClientPrincipal(ClientAddress.DASHBOARD, address == null ? "" : address));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // LoginContext loads Karaf's ProxyLoginModule by name through the context class loader
        thread.setContextClassLoader(JaasAuthenticator.class.getClassLoader());
        try {
            LoginContext context = new LoginContext(realm, subject, callbacks -> fill(callbacks, user, password));
            context.login();
            Set<String> roles = new TreeSet<>();
            for (Principal p : subject.getPrincipals()) {
                if (p.getClass().getSimpleName().equals("RolePrincipal")) {
                    roles.add(p.getName());
                }
            }
            return Optional.of(roles);
        } catch (LoginThrottledException t) {
            throw new Throttled(t.retryAfter());
        } catch (LoginException e) {
            LOG.info("console login refused for user '{}': {}", user, e.getMessage());
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void fill(Callback[] callbacks, String user, char[] password) throws UnsupportedCallbackException {
        for (Callback c : callbacks) {
            if (c instanceof NameCallback n) {
                n.setName(user);
            } else if (c instanceof PasswordCallback p) {
                p.setPassword(password);
            } else {
                throw new UnsupportedCallbackException(c);
            }
        }
    }
}
