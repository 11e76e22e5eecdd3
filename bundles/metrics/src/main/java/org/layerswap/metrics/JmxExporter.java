package org.layerswap.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Registers a {@link MeterGroupMBean} {@code org.layerswap:type=<group>} for every group of the registry's meters
 * (now and as meters are added) and unregisters them on {@link #close}. Invariant: one MBean per group, registered
 * by this exporter only.
 */
public final class JmxExporter implements AutoCloseable {

    public static final String DOMAIN = "org.layerswap";
    private static final Logger LOG = LoggerFactory.getLogger(JmxExporter.class);

    private final MeterRegistry registry;
    private final MBeanServer server;
    private final Set<ObjectName> registered = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public JmxExporter(MeterRegistry registry, MBeanServer server) {
        this.registry = registry;
        this.server = server;
        registry.config().onMeterAdded(this::ensureGroup);
        registry.getMeters().forEach(this::ensureGroup);
    }

    public static ObjectName objectName(String group) {
        try {
            return new ObjectName(DOMAIN, "type", group);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException("meter group '" + group + "' is not a valid JMX type", e);
        }
    }

    private synchronized void ensureGroup(Meter meter) {
        String group = MeterGroupMBean.groupOf(meter.getId().getName());
        ObjectName name = objectName(group);
        if (closed || registered.contains(name)) {
            return;
        }
        try {
            server.registerMBean(new MeterGroupMBean(registry, group), name);
            registered.add(name);
        } catch (JMException e) {
            LOG.warn("could not register the metrics MBean {}: {}", name, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("metrics MBean {} was already gone", name);
            }
        }
        registered.clear();
    }
}
