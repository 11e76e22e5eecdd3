package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.apache.karaf.jaas.boot.principal.ClientPrincipal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The throttling module in a real JDK {@link LoginContext}, in front of a password module, as
 * {@link ThrottledRealm} arranges it: logins from SSH, the Felix console and the dashboard share one
 * back-off per user and per client address.
 */
class ThrottlingLoginModuleTest {

    private final AtomicLong clock = new AtomicLong(5_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(LoginThrottle.Policy.DEFAULT, clock::get);

    private final Configuration realm = new Configuration() {
        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return new AppConfigurationEntry[] {
                new AppConfigurationEntry(ThrottlingLoginModule.class.getName(), LoginModuleControlFlag.REQUISITE,
                        Map.of(ThrottlingLoginModule.THROTTLE_OPTION, throttle)),
                new AppConfigurationEntry(FixedPasswordLoginModule.class.getName(), LoginModuleControlFlag.SUFFICIENT, Map.of())};
        }
    };

    @BeforeEach
    void reset() {
        FixedPasswordLoginModule.asked = 0;
    }

    private void login(String method, String address, String user, String password) throws LoginException {
        Subject subject = new Subject();
        subject.getPrincipals().add(new ClientPrincipal(method, address));
        new LoginContext("karaf", subject, passwordHandler(user, password), realm).login();
    }

    private static CallbackHandler passwordHandler(String user, String password) {
        return callbacks -> {
            for (Callback c : callbacks) {
                if (c instanceof NameCallback n) {
                    n.setName(user);
                } else if (c instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                } else {
                    throw new UnsupportedCallbackException(c);
                }
            }
        };
    }

    private void wrongPasswords(int n, String method, String address, String user) {
        for (int i = 0; i < n; i++) {
            assertThrows(FailedLoginException.class, () -> login(method, address, user, "wrong"));
            clock.addAndGet(Duration.ofSeconds(1).toNanos());
        }
    }

    @Test
    void theRightPasswordLogsInAndTheModuleAloneNeverDoes() throws LoginException {
        login("ssh", "/127.0.0.1:40000", "karaf", "right");
        LoginContext alone = new LoginContext("karaf", new Subject(), passwordHandler("karaf", "right"), new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry(ThrottlingLoginModule.class.getName(),
                        LoginModuleControlFlag.REQUISITE, Map.of(ThrottlingLoginModule.THROTTLE_OPTION, throttle))};
            }
        });
        assertThrows(LoginException.class, alone::login, "a realm of the throttle alone lets nobody in");
    }

    @Test
    void tenWrongSshPasswordsRefuseEvenTheRightOneUncheckedUntilTheBackOffEnds() {
        wrongPasswords(10, "ssh", "/10.1.1.1:40000", "karaf");
        int asked = FixedPasswordLoginModule.asked;
        LoginThrottledException refused = assertThrows(LoginThrottledException.class,
                () -> login("ssh", "/10.1.1.1:40001", "karaf", "right"));
        assertTrue(refused.retryAfter().toSeconds() > 0, refused.getMessage());
        assertEquals(asked, FixedPasswordLoginModule.asked, "the password module is not asked while blocked");
        clock.addAndGet(Duration.ofSeconds(30).toNanos());
        assertDoesNotThrow(() -> login("ssh", "/10.1.1.1:40002", "karaf", "right"));
    }

    @Test
    void failuresOverSshBlockTheUserOnTheFelixConsoleAndTheDashboardToo() {
        wrongPasswords(10, "ssh", "/10.1.1.1:40000", "karaf");
        assertThrows(LoginThrottledException.class, () -> login("webconsole", "10.2.2.2:51000", "karaf", "right"));
        assertThrows(LoginThrottledException.class, () -> login(ClientAddress.DASHBOARD, "10.3.3.3", "karaf", "right"));
    }

    @Test
    void failuresOnTheFelixConsoleBlockTheAddressOverSshForEveryUser() {
        for (int i = 0; i < 10; i++) {
            String user = "guess" + i; // a spray of user names from one address
            assertThrows(FailedLoginException.class, () -> login("webconsole", "10.4.4.4:" + (50000 + 1), user, "x"));
        }
        assertThrows(LoginThrottledException.class, () -> login("ssh", "/10.4.4.4:40000", "karaf", "right"));
        assertDoesNotThrow(() -> login("ssh", "/10.5.5.5:40000", "karaf", "right"), "another address is not blocked");
    }

    @Test
    void aPublicKeyLoginIsNeitherBlockedNorCounted() throws LoginException {
        CallbackHandler keyOnly = callbacks -> {
            for (Callback c : callbacks) {
                if (c instanceof NameCallback n) {
                    n.setName("karaf");
                } else {
                    throw new UnsupportedCallbackException(c); // an SSH key login has no password callback
                }
            }
        };
        Configuration keyRealm = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {realm.getAppConfigurationEntry(name)[0],
                    new AppConfigurationEntry(FixedPasswordLoginModule.class.getName(), LoginModuleControlFlag.SUFFICIENT,
                            Map.of("acceptAll", "true"))};
            }
        };
        for (int i = 0; i < 20; i++) {
            Subject s = new Subject();
            s.getPrincipals().add(new ClientPrincipal("ssh", "/10.6.6.6:40000"));
            assertThrows(LoginException.class, () -> new LoginContext("karaf", s, keyOnly, realm).login());
        }
        assertEquals(Duration.ZERO, throttle.blockedFor("karaf", "10.6.6.6"), "key attempts are not password guesses");
        wrongPasswords(10, "ssh", "/10.6.6.6:40000", "karaf");
        Subject s = new Subject();
        s.getPrincipals().add(new ClientPrincipal("ssh", "/10.6.6.6:40001"));
        new LoginContext("karaf", s, keyOnly, keyRealm).login(); // the operator's key still works
    }

    @Test
    void aSuccessfulLoginForgivesTheUserAndTheAddress() throws LoginException {
        wrongPasswords(9, "webconsole", "10.7.7.7:1", "karaf");
        login("webconsole", "10.7.7.7:2", "karaf", "right");
        wrongPasswords(9, "ssh", "/10.7.7.7:3", "karaf");
        login("ssh", "/10.7.7.7:4", "karaf", "right");
    }

    @Test
    void withoutAThrottleInItsOptionsThePasswordLoginIsRefused() {
        Configuration unconfigured = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {
                    new AppConfigurationEntry(ThrottlingLoginModule.class.getName(), LoginModuleControlFlag.REQUISITE, Map.of()),
                    new AppConfigurationEntry(FixedPasswordLoginModule.class.getName(), LoginModuleControlFlag.SUFFICIENT, Map.of())};
            }
        };
        LoginException e = assertThrows(LoginException.class,
                () -> new LoginContext("karaf", new Subject(), passwordHandler("karaf", "right"), unconfigured).login());
        assertTrue(e.getMessage().contains("throttle not configured"), e.getMessage());
    }
}
