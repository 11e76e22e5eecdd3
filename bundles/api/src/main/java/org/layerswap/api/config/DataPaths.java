package org.layerswap.api.config;

import java.nio.file.Path;

/**
 * The one resolver for paths under the Karaf data directory, used by every component whose
 * configuration names a file or directory.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>the data directory is the system property {@code karaf.data}; when it is not set (unit tests,
 *       command-line tools) the single fallback is {@code ./data}, i.e. {@code data} under the working
 *       directory, which is where Karaf itself puts it ({@code ${karaf.home}/data});</li>
 *   <li>a blank configured value means {@code defaultRelative} under the data directory;</li>
 *   <li>every {@code ${karaf.data}} in the configured value is replaced by the data directory;</li>
 *   <li>a path that is still relative resolves against the data directory.</li>
 * </ol>
 * The result is always absolute and normalised. Invariant: no component reads {@code karaf.data}
 * itself, so all of them agree on where the data directory is.
 */
public final class DataPaths {

    /** System property naming the data directory, set by Karaf. */
    public static final String PROPERTY = "karaf.data";

    /** Placeholder expanded in configured values. */
    public static final String PLACEHOLDER = "${karaf.data}";

    /** The data directory when {@value #PROPERTY} is not set, relative to the working directory. */
    public static final String FALLBACK = "data";

    private DataPaths() {
    }

    /** The data directory: {@code karaf.data}, else {@code ./data}; absolute and normalised. */
    public static Path dataDir() {
        String configured = System.getProperty(PROPERTY);
        return Path.of(configured == null || configured.isBlank() ? FALLBACK : configured).toAbsolutePath().normalize();
    }

    /** {@link #resolve(String, String, Path)} against {@link #dataDir()}. */
    public static Path resolve(String configured, String defaultRelative) {
        return resolve(configured, defaultRelative, dataDir());
    }

    /**
     * Resolves a configured path against {@code dataDir} by the rules of this class.
     *
     * @param configured      the configured value; null or blank selects {@code defaultRelative}
     * @param defaultRelative the path under the data directory used when nothing is configured; must be relative
     * @param dataDir         the data directory
     * @throws IllegalArgumentException when {@code defaultRelative} is missing or absolute, or the configured
     *                                  value is not a valid path (the message names the value)
     */
    public static Path resolve(String configured, String defaultRelative, Path dataDir) {
        if (defaultRelative == null || Path.of(defaultRelative).isAbsolute()) {
            throw new IllegalArgumentException("default path must be relative to the data directory: " + defaultRelative);
        }
        Path base = dataDir.toAbsolutePath().normalize();
        String value = configured == null || configured.isBlank() ? defaultRelative
                : configured.trim().replace(PLACEHOLDER, base.toString());
        Path p;
        try {
            p = Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("invalid path '" + configured + "': " + e.getReason(), e);
        }
        return base.resolve(p).normalize();
    }
}
