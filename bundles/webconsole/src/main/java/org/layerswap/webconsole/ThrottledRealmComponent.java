package org.layerswap.webconsole;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Registers {@link ThrottledRealm} for Karaf's {@code karaf} realm, the one SSH ({@code sshRealm}),
 * the Felix console, JMX and the dashboard log in with: one {@link LoginThrottle} for all of them.
 * Thin adapter: tracks the other registered realms so the throttled realm can delegate to the one
 * it shadows.
 */
@Component(service = JaasRealm.class, property = ThrottledRealmComponent.MARK + "=true")
public class ThrottledRealmComponent implements JaasRealm {

    /** Service property marking this realm, so its own reference does not bind it. */
    static final String MARK = "org.layerswap.login.throttled";
    /** The realm every Karaf entry point uses. */
    static final String REALM = "karaf";

    /** One throttle per bundle instance, shared by every login of the realm. */
    static final LoginThrottle THROTTLE = new LoginThrottle(LoginThrottle.Policy.DEFAULT, System::nanoTime);

    private final List<JaasRealm> others = new CopyOnWriteArrayList<>();
    private volatile ThrottledRealm realm;

    @Activate
    void activate(BundleContext context) {
        realm = new ThrottledRealm(REALM, context.getBundle().getBundleId(), THROTTLE, this::others);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(!(" + MARK + "=true))")
    void addRealm(JaasRealm r) {
        others.add(r);
    }

    void removeRealm(JaasRealm r) {
        others.remove(r);
    }

    private Collection<JaasRealm> others() {
        return others;
    }

    @Override
    public String getName() {
        return REALM;
    }

    @Override
    public int getRank() {
        return ThrottledRealm.RANK;
    }

    @Override
    public javax.security.auth.login.AppConfigurationEntry[] getEntries() {
        return realm.getEntries();
    }
}
