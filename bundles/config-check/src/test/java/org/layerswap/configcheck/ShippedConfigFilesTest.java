package org.layerswap.configcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerswap.cluster.ClusterSettings;
import org.layerswap.cluster.internal.ClusterConfig;
import org.layerswap.containerd.internal.ContainerdSnapshotterComponent;
import org.layerswap.demo.DemoWorkloadComponent;
import org.layerswap.executor.SandboxSettings;
import org.layerswap.executor.internal.ExecutorComponent;
import org.layerswap.feedback.FeedbackSettings;
import org.layerswap.feedback.internal.FeedbackComponent;
import org.layerswap.fs.copy.internal.CopyBackendComponent;
import org.layerswap.fs.overlay.internal.OverlayBackendComponent;
import org.layerswap.persistence.internal.PersistenceComponent;
import org.layerswap.persistence.jdbc.PersistenceSettings;
import org.layerswap.predictor.encog.EncogPredictor;
import org.layerswap.predictor.encog.EncogSettings;
import org.layerswap.profiler.engine.ProfilerSettings;
import org.layerswap.profiler.internal.ProfilerComponent;
import org.layerswap.metrics.internal.MetricsConfig;
import org.layerswap.routes.KafkaSettings;
import org.layerswap.routes.RoutesSettings;
import org.layerswap.routes.internal.KafkaConfig;
import org.layerswap.routes.internal.RoutesConfig;
import org.layerswap.source.layout.internal.LayoutSourceComponent;
import org.layerswap.source.oci.internal.OciSourceComponent;
import org.layerswap.store.layers.internal.LayerStoreComponent;
import org.layerswap.swap.CostModel;
import org.layerswap.swap.SwapSettings;
import org.layerswap.swap.internal.BackendSelectionComponent;
import org.layerswap.swap.internal.SwapManagerComponent;
import org.layerswap.testkit.ConfigFileCheck;

/**
 * Every shipped {@code etc/*.cfg} documents exactly its component's Metatype OCD with the OCD defaults, and
 * where the code keeps its defaults in a record (or constants), the OCD defaults equal it: the file, the form
 * and the code cannot drift apart.
 */
class ShippedConfigFilesTest {

    static final Path ETC = Path.of("../../etc");

    /**
     * One shipped file: its OCD, the components that read the same PID without a form of their own (the
     * shared {@code org.layerswap.fs}: swap's backend selection designates the one form, the backends read
     * their keys from it), the code's defaults records, and the values the appliance deliberately ships
     * instead of the defaults (each with its reason where declared).
     */
    record Shipped(String pid, Class<?> ocd, List<Class<?>> readers, List<Record> defaults, Map<String, String> deliberate) {
        Shipped(String pid, Class<?> ocd, List<Class<?>> readers, List<Record> defaults) {
            this(pid, ocd, readers, defaults, Map.of());
        }

        @Override
        public String toString() {
            return pid;
        }
    }

    /** The defaults of {@link PersistenceSettings} but its jdbcUrl, which an empty attribute computes from the data directory. */
    record PersistenceTuning(String user, int batchSize, long flushIntervalMillis, int queueCapacity, long offerTimeoutMillis,
                             int retentionDays, long retentionMaxRows) {
        static PersistenceTuning of(PersistenceSettings s) {
            return new PersistenceTuning(s.user(), s.batchSize(), s.flushIntervalMillis(), s.queueCapacity(),
                    s.offerTimeoutMillis(), s.retentionDays(), s.retentionMaxRows());
        }
    }

    static Stream<Shipped> shipped() {
        return Stream.of(
                new Shipped("org.layerswap.cluster", ClusterConfig.class, List.of(), List.of(ClusterSettings.DEFAULT)),
                new Shipped("org.layerswap.containerd", ContainerdSnapshotterComponent.Config.class, List.of(), List.of()),
                new Shipped("org.layerswap.demo", DemoWorkloadComponent.Config.class, List.of(), List.of()),
                // the filesystem backends read the sandbox host user from the executor's PID
                new Shipped("org.layerswap.executor", ExecutorComponent.Config.class,
                        List.of(org.layerswap.fs.common.BackendComponentSupport.SandboxHost.class),
                        List.of(SandboxSettings.defaults())),
                new Shipped("org.layerswap.feedback", FeedbackComponent.Config.class, List.of(),
                        List.of(FeedbackSettings.defaults(), FeedbackSettings.defaults().objective(),
                                FeedbackSettings.defaults().controller(), FeedbackSettings.defaults().experiment())),
                new Shipped("org.layerswap.fs", BackendSelectionComponent.Config.class,
                        List.of(CopyBackendComponent.Config.class, OverlayBackendComponent.Config.class), List.of()),
                new Shipped("org.layerswap.metrics", MetricsConfig.class, List.of(), List.of()),
                new Shipped("org.layerswap.persistence", PersistenceComponent.Config.class, List.of(),
                        List.of(PersistenceTuning.of(PersistenceSettings.defaults(Path.of("data"))))),
                new Shipped("org.layerswap.predictor.encog", EncogPredictor.Config.class, List.of(),
                        List.of(EncogSettings.defaults())),
                new Shipped("org.layerswap.profiler", ProfilerComponent.Config.class, List.of(),
                        // deliberate: the record's skew (24 h) serves event-time replays, where it is the longest silence
                        // between two events; the live component checks 1 h against the wall clock
                        List.of(ProfilerSettings.defaults().withMaxFutureSkewMillis(3_600_000L))),
                new Shipped("org.layerswap.routes", RoutesConfig.class, List.of(),
                        List.of(new RoutesSettings(Path.of(RoutesSettings.DEFAULT_DROP_DIR), RoutesSettings.DEFAULT_HTTP_PORT, RoutesSettings.DEFAULT_HTTP_PATH,
                                RoutesSettings.DEFAULT_QUEUE_SIZE, RoutesSettings.DEFAULT_RESCORE_SECONDS,
                                RoutesSettings.DEFAULT_RETENTION_SECONDS, RoutesSettings.DEFAULT_COMMIT_TIMEOUT_SECONDS,
                                RoutesSettings.DEFAULT_MAX_PAYLOAD_CHARS))),
                new Shipped("org.layerswap.routes.kafka", KafkaConfig.class, List.of(), List.of(KafkaSettings.DEFAULT)),
                new Shipped("org.layerswap.source.layout", LayoutSourceComponent.Config.class, List.of(), List.of()),
                new Shipped("org.layerswap.source.oci", OciSourceComponent.Config.class, List.of(), List.of()),
                // the appliance pulls from the local layout and accepts the absolute symlinks of distro images
                new Shipped("org.layerswap.store", LayerStoreComponent.Config.class, List.of(), List.of(),
                        Map.of("source.target", "(name=layout)", "allowAbsoluteSymlinks", "true")),
                // like the store, the swap manager resolves images through the local layout source
                new Shipped("org.layerswap.swap", SwapManagerComponent.Config.class, List.of(),
                        List.of(SwapSettings.DEFAULT, CostModel.DEFAULT), Map.of("source.target", "(name=layout)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void theShippedFileDocumentsTheFormAndTheFormStatesTheCodesDefaults(Shipped s) {
        List<String> problems = new ArrayList<>(ConfigFileCheck.problems(ETC.resolve(s.pid() + ".cfg"), s.ocd(), s.deliberate()));
        s.readers().forEach(r -> problems.addAll(ConfigFileCheck.subsetProblems(r, s.ocd())));
        s.defaults().forEach(d -> problems.addAll(ConfigFileCheck.defaultsProblems(s.ocd(), d)));
        ConfigFileCheck.assertNoProblems(problems);
    }

    /** Every LayerSwap cfg; Karaf's own PIDs shipped in etc/ (SSH, HTTP, JMX, JAAS bound to loopback) have no OCD of ours. */
    @Test
    void everyShippedLayerSwapCfgFileIsChecked() throws IOException {
        Set<String> files;
        try (Stream<Path> list = Files.list(ETC)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("org.layerswap.") && n.endsWith(".cfg"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, shipped().map(s -> s.pid() + ".cfg").collect(Collectors.toCollection(TreeSet::new)));
    }
}
