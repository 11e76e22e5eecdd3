package org.layerswap.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tag;

/**
 * One {@code org.layerswap:type=<group>} MBean: a read-only {@code Double} attribute per measurement of every meter of
 * the group, read from the registry when asked (so JMX and Prometheus always show the same values). Attribute names:
 * the meter name without {@code layerswap.}, its statistic, then its tags, e.g.
 * {@code executions.count[status=succeeded]} or {@code swap.duration.total_time[outcome=succeeded]} (seconds).
 */
public final class MeterGroupMBean implements DynamicMBean {

    private final MeterRegistry registry;
    private final String group;

    public MeterGroupMBean(MeterRegistry registry, String group) {
        this.registry = registry;
        this.group = group;
    }

    /** Groups whose name is two segments, joined (so {@code layerswap.cold.start} is {@code type=coldstart}). */
    private static final java.util.Set<String> TWO_WORD_GROUPS = java.util.Set.of("cold.start", "critical.path");

    /** The JMX group of a meter name: the part after {@code layerswap.} up to the next dot (or the two-word groups). */
    public static String groupOf(String meterName) {
        String rest = meterName.startsWith("layerswap.") ? meterName.substring("layerswap.".length()) : meterName;
        for (String two : TWO_WORD_GROUPS) {
            if (rest.equals(two) || rest.startsWith(two + ".")) {
                return two.replace(".", "");
            }
        }
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /** The attribute name of one measurement of a meter. */
    public static String attributeName(Meter.Id id, Measurement m) {
        StringBuilder b = new StringBuilder(id.getName().startsWith("layerswap.") ? id.getName().substring(10) : id.getName());
        b.append('.').append(m.getStatistic().name().toLowerCase(Locale.ROOT));
        List<Tag> tags = id.getTags();
        if (!tags.isEmpty()) {
            b.append('[');
            for (int i = 0; i < tags.size(); i++) {
                b.append(i == 0 ? "" : ",").append(tags.get(i).getKey()).append('=').append(tags.get(i).getValue());
            }
            b.append(']');
        }
        return b.toString();
    }

    /** The group's current values by attribute name, in registry order. */
    Map<String, Double> values() {
        Map<String, Double> v = new LinkedHashMap<>();
        for (Meter meter : registry.getMeters()) {
            if (group.equals(groupOf(meter.getId().getName()))) {
                for (Measurement m : meter.measure()) {
                    v.put(attributeName(meter.getId(), m), m.getValue());
                }
            }
        }
        return v;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Double value = values().get(attribute);
        if (value == null) {
            throw new AttributeNotFoundException("no attribute '" + attribute + "' in org.layerswap:type=" + group
                    + "; attributes: " + String.join(", ", values().keySet()));
        }
        return value;
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Double> v = values();
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            if (v.containsKey(a)) {
                list.add(new Attribute(a, v.get(a)));
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("org.layerswap:type=" + group + " is read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("org.layerswap:type=" + group + " has no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (String name : values().keySet()) {
            attributes.add(new MBeanAttributeInfo(name, "java.lang.Double", name, true, false, false));
        }
        return new MBeanInfo(MeterGroupMBean.class.getName(), "LayerSwap " + group + " metrics (the registry behind "
                + "/layerswap/metrics)", attributes.toArray(new MBeanAttributeInfo[0]), null, new MBeanOperationInfo[0], null);
    }
}
