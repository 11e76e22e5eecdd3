package org.layerswap.persistence.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import org.layerswap.persistence.api.PersistenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: ordered {@code V<n>__<description>.sql} scripts listed in
 * {@code db/migrations.list}, applied once each and recorded in {@code schema_version}. Each script runs
 * in one transaction with its {@code schema_version} row. (H2 commits DDL statements implicitly, so a
 * script that fails halfway can leave some of its tables behind; scripts are kept small, and the failure
 * names the script and statement.) A database whose schema is newer than this code is refused.
 */
public final class Migrator {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
    private static final String BASE = "/org/layerswap/persistence/db/";
    private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

    public record Migration(int version, String description, String script, String sql) {
        long checksum() {
            CRC32 crc = new CRC32();
            crc.update(sql.getBytes(StandardCharsets.UTF_8));
            return crc.getValue();
        }
    }

    private final List<Migration> migrations;

    public Migrator(List<Migration> migrations) {
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalStateException("migration versions must run 1, 2, 3, ... without gaps; found "
                        + migrations.get(i).script() + " at position " + (i + 1));
            }
        }
        this.migrations = List.copyOf(migrations);
    }

    /** The migrations shipped in this bundle. */
    public static Migrator bundled() {
        List<Migration> list = new ArrayList<>();
        for (String script : readLines(BASE + "migrations.list")) {
            Matcher m = NAME.matcher(script);
            if (!m.matches()) {
                throw new IllegalStateException("bad migration script name '" + script + "' (want V<n>__<description>.sql)");
            }
            String sql = String.join("\n", readLines(BASE + script));
            list.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), script, sql));
        }
        return new Migrator(list);
    }

    public int latestVersion() {
        return migrations.size();
    }

    /**
     * Brings the schema up to {@link #latestVersion()}.
     *
     * @param safeUrl the redacted URL, for messages
     * @return the number of scripts applied
     */
    public int migrate(Connection c, String safeUrl) throws SQLException {
        boolean auto = c.getAutoCommit();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, description VARCHAR(256) NOT NULL, "
                    + "script VARCHAR(256) NOT NULL, checksum BIGINT NOT NULL, applied_ts BIGINT NOT NULL)");
        }
        int current = currentVersion(c);
        if (current > latestVersion()) {
            throw new PersistenceException("database " + safeUrl + " has schema version " + current
                    + " but this LayerSwap build knows versions up to " + latestVersion()
                    + ": it was written by a newer release. Upgrade LayerSwap or point jdbcUrl at another database;"
                    + " refusing to start rather than risk corrupting it");
        }
        verifyChecksums(c, current);
        int applied = 0;
        for (Migration m : migrations.subList(current, migrations.size())) {
            c.setAutoCommit(false);
            String failing = null;
            try (Statement st = c.createStatement()) {
                for (String stmt : statements(m.sql())) {
                    failing = stmt;
                    st.execute(stmt);
                }
                failing = "INSERT INTO schema_version";
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version VALUES (?, ?, ?, ?, ?)")) {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.description());
                    ps.setString(3, m.script());
                    ps.setLong(4, m.checksum());
                    ps.setLong(5, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                c.commit();
                applied++;
                LOG.info("Applied schema migration {} to {}", m.script(), safeUrl);
            } catch (SQLException e) {
                c.rollback();
                throw new PersistenceException("schema migration " + m.script() + " failed on " + safeUrl + " at statement ["
                        + abbreviate(failing) + "]: " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(auto);
            }
        }
        return applied;
    }

    public static int currentVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void verifyChecksums(Connection c, int current) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, script, checksum FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                int v = rs.getInt(1);
                if (v >= 1 && v <= Math.min(current, migrations.size())) {
                    Migration m = migrations.get(v - 1);
                    if (m.checksum() != rs.getLong(3)) {
                        LOG.warn("Schema migration {} was changed after it was applied (checksum {} in the database, {} now)",
                                m.script(), rs.getLong(3), m.checksum());
                    }
                }
            }
        }
    }

    /** Splits a script on ';' at statement ends, dropping {@code --} comment lines. */
    static List<String> statements(String sql) {
        StringBuilder sb = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.trim().startsWith("--")) {
                sb.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : sb.toString().split(";")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static List<String> readLines(String resource) {
        try (InputStream in = Migrator.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration resource " + resource + " is missing from the bundle");
            }
            List<String> out = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!resource.endsWith(".list") || !(line.isBlank() || line.startsWith("#"))) {
                        out.add(resource.endsWith(".list") ? line.trim() : line);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getTables(null, null, table.toUpperCase(), null)) {
            return rs.next();
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 120 ? one : one.substring(0, 117) + "...";
    }
}
