-- The swap manager's function catalog: function definitions and parameter-selected data layer bindings,
-- stored resolved (layers with digest, size and media type) so a restart needs no layer source.
-- layers: one layer a line, "<digest> <sizeBytes> <mediaType>", base first.
-- config: java.util.Properties text (entrypoint.<i>, cmd.<i>, env.<i>, workingDir).
CREATE TABLE function_catalog (
    function_id     VARCHAR(512)  PRIMARY KEY,
    image_reference VARCHAR(2048) NOT NULL,
    repository      VARCHAR(2048) NOT NULL,
    layers          CHARACTER LARGE OBJECT NOT NULL,
    config          CHARACTER LARGE OBJECT NOT NULL,
    updated_ts      BIGINT        NOT NULL
);
CREATE TABLE data_layer_bindings (
    function_id     VARCHAR(512)  NOT NULL,
    param_name      VARCHAR(512)  NOT NULL,
    param_value     VARCHAR(2048) NOT NULL,
    reference       VARCHAR(2048) NOT NULL,
    repository      VARCHAR(2048) NOT NULL,
    layers          CHARACTER LARGE OBJECT NOT NULL,
    updated_ts      BIGINT        NOT NULL,
    PRIMARY KEY (function_id, param_name, param_value)
);
