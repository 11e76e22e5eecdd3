package org.layerswap.testkit;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a shipped {@code etc/*.cfg} against the configuration type of its component (the annotation
 * designated as Metatype OCD, or a component's own {@code Config} that reads a shared PID):
 * every key of the file is an attribute, every attribute is documented in the file, and the documented
 * value parses to the attribute's type and equals its default. Also builds a typed config instance from
 * a file, so a test can feed it to the component's settings conversion.
 *
 * <p>Key names follow DS 1.4 (112.8.2.1): {@code $$} is {@code $}, {@code $_$} is {@code -}, a lone
 * {@code $} vanishes, {@code __} is {@code _}, {@code _} is {@code .}. Only the scalar attribute types the
 * project uses (String, boolean, int, long, double) are supported; anything else is a reported problem.
 */
public final class ConfigFileCheck {

    private ConfigFileCheck() {
    }

    /** The configuration property name of an annotation method, by the DS name mapping. */
    public static String propertyName(Method m) {
        String n = m.getName();
        StringBuilder out = new StringBuilder(n.length());
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '$') {
                if (n.startsWith("$$", i)) {
                    out.append('$');
                    i++;
                } else if (n.startsWith("$_$", i)) {
                    out.append('-');
                    i += 2;
                }
            } else if (c == '_') {
                if (n.startsWith("__", i)) {
                    out.append('_');
                    i++;
                } else {
                    out.append('.');
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The attributes of {@code type} by property name, in name order. */
    public static Map<String, Method> attributes(Class<?> type) {
        Map<String, Method> out = new java.util.TreeMap<>();
        Arrays.stream(type.getDeclaredMethods()).sorted(Comparator.comparing(Method::getName))
                .forEach(m -> out.put(propertyName(m), m));
        return out;
    }

    /** Loads a {@code .cfg} file (java.util.Properties syntax, as Felix FileInstall reads it). */
    public static Map<String, String> load(Path cfg) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(cfg)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cfg, e);
        }
        Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }

    /**
     * Everything wrong with {@code cfg} as the documentation of {@code type}: unknown keys, undocumented
     * attributes, values that do not parse or differ from the default. Empty when the file matches.
     */
    public static List<String> problems(Path cfg, Class<?> type) {
        return problems(cfg, type, Map.of());
    }

    /**
     * As {@link #problems(Path, Class)}, with the deliberate values of the shipped file: each key of
     * {@code shipped} must be in the file with exactly that value, instead of the attribute default (an
     * appliance choice, e.g. which source to bind); a key that is no attribute is allowed only this way (e.g.
     * a DS reference target {@code <reference>.target} the form does not list).
     */
    public static List<String> problems(Path cfg, Class<?> type, Map<String, String> shipped) {
        Map<String, String> values = load(cfg);
        List<String> problems = new ArrayList<>();
        shipped.forEach((key, value) -> {
            if (!value.equals(values.get(key))) {
                problems.add(cfg.getFileName() + ": '" + key + "' should ship as '" + value + "' but is '" + values.get(key) + "'");
            }
        });
        values.keySet().removeAll(shipped.keySet());
        Map<String, Method> attributes = attributes(type);
        for (String key : new TreeSet<>(values.keySet())) {
            if (!attributes.containsKey(key)) {
                problems.add(cfg.getFileName() + ": key '" + key + "' is no attribute of " + type.getName());
            }
        }
        for (Map.Entry<String, Method> a : attributes.entrySet()) {
            if (shipped.containsKey(a.getKey())) {
                continue;
            }
            String value = values.get(a.getKey());
            if (value == null) {
                problems.add(cfg.getFileName() + ": attribute '" + a.getKey() + "' of " + type.getName() + " is not documented");
                continue;
            }
            Object def = a.getValue().getDefaultValue();
            try {
                Object parsed = convert(a.getKey(), value, a.getValue().getReturnType());
                if (!parsed.equals(def)) {
                    problems.add(cfg.getFileName() + ": '" + a.getKey() + "' documents " + value + " but the default is " + def);
                }
            } catch (IllegalArgumentException e) {
                problems.add(cfg.getFileName() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * Problems of a component type {@code part} that reads a shared PID whose one form is {@code form}:
     * every attribute of {@code part} must be an attribute of {@code form} of the same type and default.
     */
    public static List<String> subsetProblems(Class<?> part, Class<?> form) {
        Map<String, Method> all = attributes(form);
        List<String> problems = new ArrayList<>();
        attributes(part).forEach((key, m) -> {
            Method f = all.get(key);
            if (f == null) {
                problems.add(part.getName() + ": '" + key + "' is not on the form " + form.getName());
            } else if (f.getReturnType() != m.getReturnType() || !f.getDefaultValue().equals(m.getDefaultValue())) {
                problems.add(part.getName() + ": '" + key + "' is " + m.getReturnType().getSimpleName() + " default "
                        + m.getDefaultValue() + " but the form says " + f.getReturnType().getSimpleName() + " default "
                        + f.getDefaultValue());
            }
        });
        return problems;
    }

    /**
     * Problems of a defaults record (or a record built from the code's default constants) against the
     * attribute defaults of {@code type}: each record component with the name of an attribute must equal its
     * default; a component {@code xMillis} is also matched to an attribute {@code xSeconds} (times 1000).
     * Numbers compare by value, other types by their string form (so a {@code Path} matches a String
     * attribute); an empty map or collection matches a blank String attribute. A record sharing no name with {@code type} is a problem too: the check would be empty.
     */
    public static List<String> defaultsProblems(Class<?> type, Record defaults) {
        Map<String, Method> attributes = attributes(type);
        List<String> problems = new ArrayList<>();
        int matched = 0;
        for (java.lang.reflect.RecordComponent rc : defaults.getClass().getRecordComponents()) {
            Object value;
            try {
                rc.getAccessor().setAccessible(true);
                value = rc.getAccessor().invoke(defaults);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + rc.getName() + " of " + defaults, e);
            }
            String name = rc.getName();
            Method a = attributes.get(name);
            Object expected = a == null ? null : a.getDefaultValue();
            if (a == null && name.endsWith("Millis")) {
                a = attributes.get(name.substring(0, name.length() - "Millis".length()) + "Seconds");
                expected = a == null || !(a.getDefaultValue() instanceof Number n) ? null
                        : new java.math.BigDecimal(String.valueOf(n)).multiply(java.math.BigDecimal.valueOf(1000));
            }
            if (a == null) {
                continue;
            }
            matched++;
            if (!sameValue(expected, value)) {
                problems.add(defaults.getClass().getSimpleName() + "." + name + " is " + value + " but "
                        + type.getName() + "." + a.getName() + " defaults to " + a.getDefaultValue());
            }
        }
        if (matched == 0) {
            problems.add(defaults.getClass().getSimpleName() + " shares no attribute with " + type.getName());
        }
        return problems;
    }

    private static boolean sameValue(Object a, Object b) {
        if (a instanceof String text && (b instanceof Map<?, ?> || b instanceof java.util.Collection<?>)) {
            // a list-valued setting written as one string attribute: only "none" is comparable
            return text.isBlank() && (b instanceof Map<?, ?> m ? m.isEmpty() : ((java.util.Collection<?>) b).isEmpty());
        }
        if (a instanceof Number x && b instanceof Number y) {
            return new java.math.BigDecimal(String.valueOf(x)).compareTo(new java.math.BigDecimal(String.valueOf(y))) == 0;
        }
        return String.valueOf(a).equals(String.valueOf(b));
    }

    /** Throws an {@link AssertionError} listing every problem, if any. */
    public static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * An instance of the configuration annotation {@code type} whose attributes are {@code values} (by
     * property name) and the annotation defaults for the rest, as DS would build it.
     *
     * @throws IllegalArgumentException when a key is no attribute or a value does not parse (naming both)
     */
    public static <A> A instance(Class<A> type, Map<String, String> values) {
        Map<String, Method> attributes = attributes(type);
        Map<String, Object> typed = new HashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            Method m = attributes.get(e.getKey());
            if (m == null) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is no attribute of " + type.getName());
            }
            typed.put(m.getName(), convert(e.getKey(), e.getValue().trim(), m.getReturnType()));
        }
        Set<String> names = new TreeSet<>();
        attributes.values().forEach(m -> names.add(m.getName()));
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (names.contains(m.getName()) && m.getParameterCount() == 0) {
                return typed.containsKey(m.getName()) ? typed.get(m.getName()) : m.getDefaultValue();
            }
            return switch (m.getName()) {
                case "toString" -> type.getSimpleName() + typed;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "annotationType" -> type;
                default -> throw new UnsupportedOperationException(m.getName());
            };
        }));
    }

    /** {@link #instance(Class, Map)} from the values of {@code cfg}. */
    public static <A> A instance(Class<A> type, Path cfg) {
        return instance(type, load(cfg));
    }

    private static Object convert(String key, String value, Class<?> t) {
        try {
            if (t == String.class) {
                return value;
            } else if (t == boolean.class) {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException("not a boolean");
                }
                return Boolean.parseBoolean(value);
            } else if (t == int.class) {
                return Integer.parseInt(value);
            } else if (t == long.class) {
                return Long.parseLong(value);
            } else if (t == double.class) {
                return Double.parseDouble(value);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + key + "' = '" + value + "' is not a valid " + t.getSimpleName(), e);
        }
        throw new IllegalArgumentException("'" + key + "' has the unsupported type " + t.getName());
    }
}
