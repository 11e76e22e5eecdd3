package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.LongSupplier;

import org.layerswap.api.DataLayerBinding;
import org.layerswap.persistence.api.Tables;

/**
 * {@code data_layer_bindings}: keyed by function, parameter and value (a re-binding replaces the stored
 * one); layers in {@link CatalogCodec}'s text form; {@code updated_ts} stamped from the injected clock.
 * {@link #map} throws {@link IllegalArgumentException} naming what is wrong when a stored row cannot be read.
 */
public final class DataLayerBindingsTable extends AbstractRowBinding<DataLayerBinding> {

    private final LongSupplier clock;

    public DataLayerBindingsTable(LongSupplier clock) {
        super(Tables.DATA_LAYER_BINDINGS,
                List.of("function_id", "param_name", "param_value", "reference", "repository", "layers", "updated_ts"),
                List.of("function_id", "param_name", "param_value", "reference", "repository", "layers"),
                List.of("function_id", "param_name", "param_value"));
        this.clock = clock;
    }

    @Override
    public void bind(PreparedStatement ps, DataLayerBinding b) throws SQLException {
        ps.setString(1, b.functionId());
        ps.setString(2, b.paramName());
        ps.setString(3, b.paramValue());
        ps.setString(4, b.reference());
        ps.setString(5, b.repository());
        ps.setString(6, CatalogCodec.encodeLayers(b.layers()));
        ps.setLong(7, clock.getAsLong());
    }

    @Override
    public DataLayerBinding map(ResultSet rs) throws SQLException {
        return new DataLayerBinding(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                CatalogCodec.decodeLayers(rs.getString(6)));
    }
}
