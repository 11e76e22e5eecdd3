package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * One login throttle for every JAAS login of the appliance (issue 14): password guesses over SSH
 * (Karaf's sshd, the realm {@code karaf}) and over the Felix console's Basic login
 * ({@code /system/console}) are throttled like the dashboard's, with the same state: failures on one
 * channel block the user (and the address) on the others, even with the right password, until the
 * back-off (30 s for the first block) ends. The operator's SSH key keeps working meanwhile. Each test
 * uses loopback source addresses of its own, so blocks do not leak between them.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class LoginThrottleIT {

    private static final String GUESSED = "sshguess";
    private static final String GUESSED_PASSWORD = "Right-Pass-4711";

    private static RunningAppliance appliance;
    private static SshClient ssh;

    @BeforeClass
    public static void start() throws Exception {
        appliance = RunningAppliance.start();
        // a second administrator whose password the test guesses (the file is read at every login)
        Files.writeString(appliance.home.resolve("etc/users.properties"), "\n" + GUESSED + " = " + GUESSED_PASSWORD + ",_g_:admingroup\n",
                StandardOpenOption.APPEND);
        ssh = SshClient.setUpDefaultClient();
        ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        ssh.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        ssh.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE)); // one password attempt per session
        ssh.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (ssh != null) {
            ssh.stop();
        }
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    public void a_sshGuessesBlockTheUserOnSshTheFelixConsoleAndTheDashboardUntilTheBackOffEnds() throws Exception {
        assertTrue("the user logs in over SSH before any guess", sshLogin("127.0.0.11", GUESSED, GUESSED_PASSWORD));
        for (int i = 1; i <= 10; i++) {
            assertFalse("wrong password #" + i + " accepted", sshLogin("127.0.0.11", GUESSED, "wrong-" + i));
        }
        long blockedAt = System.nanoTime();
        assertFalse("the right password over SSH while blocked", sshLogin("127.0.0.11", GUESSED, GUESSED_PASSWORD));
        assertFalse("the right password over SSH from another address (the user is blocked)",
                sshLogin("127.0.0.12", GUESSED, GUESSED_PASSWORD));
        String console = appliance.basicFrom("127.0.0.13", "/system/console/bundles", GUESSED + ":" + GUESSED_PASSWORD);
        assertEquals(console, "401", RunningAppliance.statusOf(console));
        String dashboard = appliance.basicFrom("127.0.0.14", "/layerswap/api/status", GUESSED + ":" + GUESSED_PASSWORD);
        assertEquals(dashboard, "429", RunningAppliance.statusOf(dashboard));
        assertTrue(dashboard, dashboard.toLowerCase(Locale.ROOT).contains("retry-after:"));
        String key = appliance.client("echo key-login-ok");
        assertTrue("the operator's SSH key is not throttled: " + key, key.contains("key-login-ok"));

        // the block ends: the right password is accepted again, not before ~30 s after the tenth failure
        long deadline = blockedAt + TimeUnit.SECONDS.toNanos(120);
        boolean in = false;
        while (!in && System.nanoTime() < deadline) {
            Thread.sleep(2000); // positive wait: polling for the end of the block
            in = sshLogin("127.0.0.12", GUESSED, GUESSED_PASSWORD);
        }
        long waited = System.nanoTime() - blockedAt;
        assertTrue("the right password was never accepted again", in);
        assertTrue("the block ended after only " + TimeUnit.NANOSECONDS.toSeconds(waited) + " s",
                waited >= TimeUnit.SECONDS.toNanos(25));
        String after = appliance.basicFrom("127.0.0.13", "/system/console/bundles", GUESSED + ":" + GUESSED_PASSWORD);
        assertEquals("the Felix console accepts the user after the back-off", "200", RunningAppliance.statusOf(after));
    }

    @Test
    public void b_felixConsoleGuessesBlockTheirAddressOverSshAndTheDashboardForEveryUser() throws Exception {
        for (int i = 0; i < 10; i++) {
            String r = appliance.basicFrom("127.0.0.21", "/system/console/bundles", "spray" + i + ":wrong");
            assertEquals("console guess #" + i, "401", RunningAppliance.statusOf(r));
        }
        String admin = appliance.adminPassword();
        assertFalse("the admin's right password over SSH from the guessing address",
                sshLogin("127.0.0.21", "karaf", admin));
        String dashboard = appliance.basicFrom("127.0.0.21", "/layerswap/api/status", "karaf:" + admin);
        assertEquals(dashboard, "429", RunningAppliance.statusOf(dashboard));
        assertTrue("another address is not blocked", sshLogin("127.0.0.22", "karaf", admin));
    }

    /** One SSH session from {@code source} that offers only this password; whether it was accepted. */
    private static boolean sshLogin(String source, String user, String password) throws Exception {
        try (ClientSession session = ssh.connect(user, new InetSocketAddress("127.0.0.1", appliance.sshPort),
                new InetSocketAddress(source, 0)).verify(Duration.ofSeconds(15)).getSession()) {
            session.addPasswordIdentity(password);
            try {
                session.auth().verify(Duration.ofSeconds(30));
                return true;
            } catch (SshException refused) {
                return false;
            }
        }
    }
}
