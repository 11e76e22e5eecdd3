package org.layerswap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A private MBeanServer: the exporter's MBeans as a JMX client sees them. */
class JmxExporterTest {

    final MBeanServer server = MBeanServerFactory.newMBeanServer();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void everyMeterGroupIsAnMBeanWhoseAttributesAreTheRegistrysCurrentValues() throws Exception {
        Counter.builder("layerswap.executions").tag("status", "succeeded").register(registry).increment(3);
        try (JmxExporter exporter = new JmxExporter(registry, server)) {
            Timer.builder("layerswap.swap.duration").tag("outcome", "succeeded").register(registry).record(2, TimeUnit.SECONDS);
            ObjectName executions = new ObjectName("org.layerswap:type=executions");
            assertEquals(3.0, server.getAttribute(executions, "executions.count[status=succeeded]"));
            registry.get("layerswap.executions").counter().increment();
            assertEquals(4.0, server.getAttribute(executions, "executions.count[status=succeeded]"), "read when asked");

            ObjectName swaps = new ObjectName("org.layerswap:type=swap");
            assertEquals(1.0, server.getAttribute(swaps, "swap.duration.count[outcome=succeeded]"), "a meter added later gets its group");
            assertEquals(2.0, server.getAttribute(swaps, "swap.duration.total_time[outcome=succeeded]"));
            MBeanAttributeInfo[] infos = server.getMBeanInfo(swaps).getAttributes();
            assertTrue(Arrays.stream(infos).allMatch(i -> i.isReadable() && !i.isWritable()), Arrays.toString(infos));

            AttributeNotFoundException e = assertThrows(AttributeNotFoundException.class, () -> server.getAttribute(executions, "nope"));
            assertTrue(e.getMessage().startsWith("no attribute 'nope' in org.layerswap:type=executions; attributes: executions.count"),
                    e.getMessage());
        }
        assertFalse(server.isRegistered(new ObjectName("org.layerswap:type=executions")), "close unregisters");
        assertFalse(server.isRegistered(new ObjectName("org.layerswap:type=swap")));
    }

    @Test
    void theGroupIsTheFirstNameSegmentAfterLayerswap() {
        assertEquals("coldstart", MeterGroupMBean.groupOf("layerswap.cold.start"));
        assertEquals("criticalpath", MeterGroupMBean.groupOf("layerswap.critical.path.stall"));
        assertEquals("prefetches", MeterGroupMBean.groupOf("layerswap.prefetches.used"));
        assertEquals("invocations", MeterGroupMBean.groupOf("layerswap.invocations"));
        assertEquals("jvm", MeterGroupMBean.groupOf("jvm.memory.used"));
    }
}
