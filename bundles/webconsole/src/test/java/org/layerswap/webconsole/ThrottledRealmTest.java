package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;

import org.apache.karaf.jaas.config.JaasRealm;
import org.junit.jupiter.api.Test;

class ThrottledRealmTest {

    private final LoginThrottle throttle = new LoginThrottle(LoginThrottle.Policy.DEFAULT, System::nanoTime);
    private final List<JaasRealm> registered = new ArrayList<>();
    private final ThrottledRealm realm = new ThrottledRealm("karaf", 42, throttle, () -> registered);

    private static JaasRealm realm(String name, int rank, String module) {
        return new JaasRealm() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public int getRank() {
                return rank;
            }

            @Override
            public AppConfigurationEntry[] getEntries() {
                return new AppConfigurationEntry[] {new AppConfigurationEntry(module, LoginModuleControlFlag.SUFFICIENT, Map.of())};
            }
        };
    }

    @Test
    void theThrottleGoesFirstAsRequisiteThroughKarafsProxyThenTheShadowedRealmsModules() {
        registered.add(realm("other", 5, "Other"));
        registered.add(realm("karaf", 0, "Properties"));
        registered.add(realm("karaf", 3, "Operator"));
        registered.add(realm);
        AppConfigurationEntry[] entries = realm.getEntries();
        assertEquals(2, entries.length);
        assertEquals("org.apache.karaf.jaas.boot.ProxyLoginModule", entries[0].getLoginModuleName());
        assertEquals(LoginModuleControlFlag.REQUISITE, entries[0].getControlFlag());
        assertEquals(ThrottlingLoginModule.class.getName(), entries[0].getOptions().get("org.apache.karaf.jaas.module"));
        assertEquals("42", entries[0].getOptions().get("org.apache.karaf.jaas.bundle"));
        assertSame(throttle, entries[0].getOptions().get(ThrottlingLoginModule.THROTTLE_OPTION));
        assertEquals("Operator", entries[1].getLoginModuleName(), "the highest-ranked other karaf realm is shadowed");
        assertEquals(ThrottledRealm.RANK, realm.getRank());
    }

    @Test
    void withNoRealmToShadowOnlyTheThrottleIsLeftSoNobodyLogsIn() {
        registered.add(realm("other", 0, "Other"));
        registered.add(realm("karaf", ThrottledRealm.RANK, "SameRank"));
        AppConfigurationEntry[] entries = realm.getEntries();
        assertEquals(1, entries.length);
        assertEquals(LoginModuleControlFlag.REQUISITE, entries[0].getControlFlag());
    }
}
