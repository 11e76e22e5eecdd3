package org.layerswap.webconsole;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;

import org.apache.karaf.jaas.config.JaasRealm;

/**
 * A Karaf JAAS realm that shadows another realm of the same name (Karaf uses the realm of highest
 * rank per name) and puts {@link ThrottlingLoginModule} in front of that realm's own modules: its
 * entries are {@code [throttle (requisite)] + the shadowed realm's entries}, read at every login, so
 * the shadowed realm's configuration (users file, encryption, public keys, audit) stays Karaf's.
 *
 * <p>Invariants: the shadowed realm is the highest-ranked other realm of the name with a rank below
 * {@link #RANK}; without one the entries are the throttle alone, which succeeds for nobody (fail
 * closed). Every login of the realm, whoever starts it (SSH, Felix console, dashboard, JMX), shares
 * one {@link LoginThrottle}.
 */
final class ThrottledRealm implements JaasRealm {

    /** Above Karaf's own realms (rank 0) and any an operator ships with a small rank. */
    static final int RANK = 1000;

    private static final String PROXY = "org.apache.karaf.jaas.boot.ProxyLoginModule";
    private static final String PROXY_MODULE = "org.apache.karaf.jaas.module";
    private static final String PROXY_BUNDLE = "org.apache.karaf.jaas.bundle";

    private final String name;
    private final long bundleId;
    private final LoginThrottle throttle;
    private final Supplier<Collection<JaasRealm>> realms;

    /**
     * @param bundleId the bundle that holds {@link ThrottlingLoginModule} (Karaf's proxy loads it from there)
     * @param realms   the realms currently registered (this one may be among them)
     */
    ThrottledRealm(String name, long bundleId, LoginThrottle throttle, Supplier<Collection<JaasRealm>> realms) {
        this.name = name;
        this.bundleId = bundleId;
        this.throttle = throttle;
        this.realms = realms;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public int getRank() {
        return RANK;
    }

    @Override
    public AppConfigurationEntry[] getEntries() {
        Map<String, Object> options = new HashMap<>();
        options.put(PROXY_MODULE, ThrottlingLoginModule.class.getName());
        options.put(PROXY_BUNDLE, Long.toString(bundleId));
        options.put(ThrottlingLoginModule.THROTTLE_OPTION, throttle);
        List<AppConfigurationEntry> entries = new ArrayList<>();
        entries.add(new AppConfigurationEntry(PROXY, LoginModuleControlFlag.REQUISITE, options));
        JaasRealm shadowed = shadowed();
        if (shadowed != null) {
            entries.addAll(List.of(shadowed.getEntries()));
        }
        return entries.toArray(AppConfigurationEntry[]::new);
    }

    /** The realm this one stands in front of, or null. */
    JaasRealm shadowed() {
        JaasRealm best = null;
        for (JaasRealm r : realms.get()) {
            if (r != this && !(r instanceof ThrottledRealm) && name.equals(r.getName()) && r.getRank() < RANK
                    && (best == null || r.getRank() > best.getRank())) {
                best = r;
            }
        }
        return best;
    }
}
