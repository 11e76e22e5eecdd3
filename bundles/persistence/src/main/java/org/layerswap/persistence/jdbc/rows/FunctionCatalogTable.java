package org.layerswap.persistence.jdbc.rows;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.LongSupplier;

import org.layerswap.api.FunctionDefinition;
import org.layerswap.persistence.api.Tables;

/**
 * {@code function_catalog}: keyed by function id (a re-definition replaces the stored one); layers and
 * config in {@link CatalogCodec}'s text forms; {@code updated_ts} stamped from the injected clock.
 * {@link #map} throws {@link IllegalArgumentException} naming what is wrong when a stored row cannot be read.
 */
public final class FunctionCatalogTable extends AbstractRowBinding<FunctionDefinition> {

    private final LongSupplier clock;

    public FunctionCatalogTable(LongSupplier clock) {
        super(Tables.FUNCTION_CATALOG,
                List.of("function_id", "image_reference", "repository", "layers", "config", "updated_ts"),
                List.of("function_id", "image_reference", "repository", "layers", "config"),
                List.of("function_id"));
        this.clock = clock;
    }

    @Override
    public void bind(PreparedStatement ps, FunctionDefinition d) throws SQLException {
        ps.setString(1, d.functionId());
        ps.setString(2, d.imageReference());
        ps.setString(3, d.repository());
        ps.setString(4, CatalogCodec.encodeLayers(d.layers()));
        ps.setString(5, CatalogCodec.encodeConfig(d.config()));
        ps.setLong(6, clock.getAsLong());
    }

    @Override
    public FunctionDefinition map(ResultSet rs) throws SQLException {
        return new FunctionDefinition(rs.getString(1), rs.getString(2), rs.getString(3), CatalogCodec.decodeLayers(rs.getString(4)),
                CatalogCodec.decodeConfig(rs.getString(5)));
    }
}
