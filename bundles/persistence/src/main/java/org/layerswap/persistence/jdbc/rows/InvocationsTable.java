package org.layerswap.persistence.jdbc.rows;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.layerswap.api.ExperimentArm;
import org.layerswap.persistence.api.InvocationRow;
import org.layerswap.persistence.api.Tables;

/** {@code invocations}: parameters stored as {@code k=v&k2=v2}, URL-encoded, keys sorted; absent outcomes as NULL. */
public final class InvocationsTable extends AbstractRowBinding<InvocationRow> {

    public InvocationsTable() {
        super(Tables.INVOCATIONS,
                List.of("ts", "function_id", "tenant", "params", "arm", "layer_wait_us", "execution_us", "error"),
                List.of("id", "function_id", "ts", "tenant", "params", "arm", "layer_wait_us", "execution_us", "error"));
    }

    @Override
    public void bind(PreparedStatement ps, InvocationRow r) throws SQLException {
        ps.setLong(1, r.timestampMillis());
        ps.setString(2, r.functionId());
        ps.setString(3, r.tenant());
        ps.setString(4, encodeParams(r.params()));
        ps.setString(5, r.arm().name());
        Columns.setLong(ps, 6, r.layerWaitMicros());
        Columns.setLong(ps, 7, r.executionMicros());
        Columns.setBoolean(ps, 8, r.error());
    }

    @Override
    public InvocationRow map(ResultSet rs) throws SQLException {
        return new InvocationRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), decodeParams(rs.getString(5)),
                ExperimentArm.valueOf(rs.getString(6)), Columns.getLong(rs, 7), Columns.getLong(rs, 8), Columns.getBoolean(rs, 9));
    }

    /** {@code k=v&k2=v2}, URL-encoded, keys sorted (stable). */
    static String encodeParams(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static Map<String, String> decodeParams(String s) {
        if (s == null || s.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : s.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return Collections.unmodifiableMap(out);
    }
}
