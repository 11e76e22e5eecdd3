package org.layerswap.demo;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.FunctionExecutor;
import org.layerswap.api.SwapManager;
import org.layerswap.api.config.DataPaths;
import org.layerswap.routes.api.InvocationIngest;
import org.layerswap.workload.SyntheticWorkload;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's built-in demo: plays the seeded synthetic fleet (timers, diurnal HTTP, bursts,
 * rare functions, chains, parameter-selected data layers) through the real pipeline (ingest, profile,
 * prefetch/swap, execute in a sandbox, feedback) on real busybox-based images, so an operator sees
 * scores, prefetches, swaps and executions within a minute of starting. Runs only while {@code org.layerswap.demo} is configured
 * with {@code enabled = true} (the shipped default).
 */
@Component(configurationPid = DemoWorkloadComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = DemoWorkloadComponent.Config.class)
public class DemoWorkloadComponent {

    static final String PID = "org.layerswap.demo";
    private static final Logger LOG = LoggerFactory.getLogger(DemoWorkloadComponent.class);

    @ObjectClassDefinition(name = "LayerSwap demo workload", description = "Synthetic workload played into the appliance")
    public @interface Config {
        @AttributeDefinition(description = "Play the demo workload")
        boolean enabled() default true;

        @AttributeDefinition(description = "Number of synthetic functions (>= 1)")
        int functions() default 60;

        @AttributeDefinition(description = "Length of the generated trace in days; it loops")
        double days() default 1.0;

        @AttributeDefinition(description = "Seed of the generator and layer model")
        long seed() default 1;

        @AttributeDefinition(description = "Trace time per wall-clock time (60 = one trace minute per second)")
        double speedup() default 20;

        @AttributeDefinition(description = "Run invocations through the whole pipeline (ingest, profile, prefetch/swap, "
                + "execute, feedback) on real images; false feeds the profiler only")
        boolean pipeline() default true;

        @AttributeDefinition(description = "OCI layout the demo images are written to; relative paths resolve against "
                + "${karaf.data}. Must be the directory the layout layer source reads (org.layerswap.source.layout path)")
        String imagesPath() default "images";

        @AttributeDefinition(description = "Demo image layers are the modelled sizes divided by this (>= 1)")
        int imageScale() default 64;

        @AttributeDefinition(description = "Demo invocations executing at once; more are skipped and counted")
        int executors() default 2;
    }

    @Reference
    BehavioralProfiler profiler;

    @Reference
    SwapManager swapManager;

    @Reference
    FunctionExecutor executor;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    volatile InvocationIngest ingest;

    private Thread thread;
    private DemoPipeline pipeline;

    @Activate
    void activate(Config config) {
        if (!config.enabled()) {
            LOG.info("Demo workload disabled (org.layerswap.demo enabled = false)");
            return;
        }
        SyntheticWorkload.Config workload = new SyntheticWorkload.Config(config.days(), config.functions(), config.seed());
        DemoPlayer.Sink sink = DemoPlayer.profilerSink(profiler);
        if (config.pipeline()) {
            if (config.imageScale() < 1 || config.executors() < 1) {
                throw new IllegalArgumentException("org.layerswap.demo: imageScale and executors must be >= 1, got "
                        + config.imageScale() + " and " + config.executors());
            }
            InvocationIngest in = ingest;
            pipeline = new DemoPipeline(swapManager, executor, in == null ? profiler::record : in::ingest, profiler,
                    DataPaths.resolve(config.imagesPath(), "images"), config.seed(), config.imageScale(), config.executors());
            sink = pipeline;
        }
        DemoPlayer player = new DemoPlayer(workload, config.speedup(), sink, System::currentTimeMillis,
                target -> {
                    long wait = target - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }, Long.MAX_VALUE);
        thread = new Thread(player, "layerswap-demo-workload");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Demo workload playing: {} functions, {} day(s) looped, seed {}, {}x real time", config.functions(),
                config.days(), config.seed(), config.speedup());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (thread != null) {
            thread.interrupt();
            thread.join(5000);
        }
        if (pipeline != null) {
            LOG.info("Demo pipeline stopped: {} executions ({} failed), {} skipped while executors were busy",
                    pipeline.executed.get(), pipeline.failed.get(), pipeline.skipped.get());
            pipeline.close();
        }
    }

}
