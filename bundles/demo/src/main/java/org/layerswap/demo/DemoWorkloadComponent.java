package org.layerswap.demo;

import org.layerswap.api.BehavioralProfiler;
import org.layerswap.workload.SyntheticWorkload;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's built-in demo: plays the seeded synthetic fleet (timers, diurnal HTTP, bursts,
 * rare functions, chains, parameter-selected data layers) into the profiler so an operator sees
 * scores move within seconds of starting. Runs only while {@code org.layerswap.demo} is configured
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
    }

    @Reference
    BehavioralProfiler profiler;

    private Thread thread;

    @Activate
    void activate(Config config) {
        if (!config.enabled()) {
            LOG.info("Demo workload disabled (org.layerswap.demo enabled = false)");
            return;
        }
        SyntheticWorkload.Config workload = new SyntheticWorkload.Config(config.days(), config.functions(), config.seed());
        DemoPlayer player = new DemoPlayer(workload, config.speedup(), profiler, System::currentTimeMillis,
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
    }
}
