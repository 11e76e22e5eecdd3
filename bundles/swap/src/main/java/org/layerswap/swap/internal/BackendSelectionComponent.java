package org.layerswap.swap.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import org.layerswap.api.FilesystemBackend;
import org.layerswap.swap.BackendSelector;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the active filesystem backend (PID {@code org.layerswap.fs}, {@code backend=overlay|copy|auto})
 * among the {@link FilesystemBackend} services and tells listeners (the swap manager) on every change,
 * with the reason (logged), e.g. why the configured backend is unavailable.
 */
@Component(service = BackendSelectionComponent.class, immediate = true, configurationPid = "org.layerswap.fs",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = BackendSelectionComponent.Config.class)
public class BackendSelectionComponent {

    /**
     * The one form of the shared PID {@code org.layerswap.fs}: the backends read their keys from the same
     * configuration but designate no form of their own, because the Felix console shows (and saves) only one
     * bundle's form per PID, and saving a partial form would drop the keys it does not list.
     */
    @ObjectClassDefinition(name = "LayerSwap filesystem backends",
            description = "Which backend composes function roots, and each backend's settings")
    public @interface Config {
        @AttributeDefinition(description = "Active backend: overlay, copy or auto (highest-ranked available)")
        String backend() default "auto";

        @AttributeDefinition(description = "overlay: directory of overlay generations; empty means ${karaf.data}/fs/overlay. "
                + "Keep it short: it appears in mount options")
        String overlayRoot() default "";

        @AttributeDefinition(description = "copy: directory of copy-farm generations; empty means ${karaf.data}/fs/copy")
        String copyRoot() default "";

        @AttributeDefinition(description = "Both: milliseconds a retired generation without leases stays before teardown")
        long graceMillis() default 1000;

        @AttributeDefinition(description = "copy: UNSAFE for untrusted functions: hard-link files from the layer store, so a write "
                + "to a linked file changes the shared layer for every function (false: copy every file)")
        boolean linkFiles() default false;

        @AttributeDefinition(description = "copy, with linkFiles: comma-separated path prefixes whose files are copied all the same")
        String copyPrefixes() default "tmp,var,run,root,home";

        @AttributeDefinition(description = "overlay: comma-separated function ids whose invocations share a writable upper per "
                + "generation, carried over by copy-on-write swaps; every other function gets a fresh upper per invocation")
        String persistentUpperFunctions() default "";

        @AttributeDefinition(description = "overlay: bytes one invocation may write into its own upper, MB (a tmpfs of that size; "
                + "its pages count against the sandbox's memory limit); a run that fills it ends as DISK_EXHAUSTED")
        long upperSizeMb() default 64;

        @AttributeDefinition(description = "overlay: per-function upper sizes, e.g. thumbnail=256m;resize=16m")
        String functionUpperSizes() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(BackendSelectionComponent.class);

    private final Map<FilesystemBackend, BackendSelector.Candidate> backends = new ConcurrentHashMap<>();
    private final List<BiConsumer<FilesystemBackend, String>> listeners = new CopyOnWriteArrayList<>();
    private volatile String configured = "auto";
    private volatile boolean active;
    private BackendSelector.Selection current = new BackendSelector.Selection(null, "not yet selected");

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(FilesystemBackend b, Map<String, Object> props) {
        backends.put(b, new BackendSelector.Candidate(String.valueOf(props.getOrDefault("name", b.name())),
                props.get("service.ranking") instanceof Integer r ? r : 0, b));
        reselect();
    }

    void unbindBackend(FilesystemBackend b) {
        backends.remove(b);
        reselect();
    }

    @Activate
    void activate(Config c) {
        configured = c.backend();
        active = true;
        reselect();
    }

    @Modified
    void modified(Config c) {
        configured = c.backend();
        reselect();
    }

    public synchronized void addListener(BiConsumer<FilesystemBackend, String> l) {
        listeners.add(l);
        l.accept(current.backend(), current.reason());
    }

    public void removeListener(BiConsumer<FilesystemBackend, String> l) {
        listeners.remove(l);
    }

    public synchronized BackendSelector.Selection current() {
        return current;
    }

    private synchronized void reselect() {
        if (!active) {
            return;
        }
        BackendSelector.Selection s = BackendSelector.select(new ArrayList<>(backends.values()), configured);
        boolean changed = s.backend() != current.backend();
        current = s;
        if (changed) {
            if (s.backend() == null) {
                LOG.warn("no filesystem backend: {}", s.reason());
            } else {
                LOG.info("filesystem backend '{}' selected: {}", s.backend().name(), s.reason());
            }
            for (BiConsumer<FilesystemBackend, String> l : listeners) {
                l.accept(s.backend(), s.reason());
            }
        }
    }
}
