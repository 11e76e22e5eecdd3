package org.layerswap.webconsole;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import javax.servlet.http.HttpServletResponse;

import org.layerswap.api.ApplianceControl;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.LayerId;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Data layer bindings over REST, the same operations as {@code layerswap:bindings/bind/unbind}, through
 * {@link ApplianceControl} (which validates): {@code GET /api/bindings[?function=f]} lists them,
 * {@code POST /api/bindings} with the JSON body {@code {"function":"f","param":"p","value":"v","reference":"image-or-digest"}}
 * binds, {@code DELETE /api/bindings?function=f&param=p&value=v} unbinds and returns the removed binding.
 * A refused argument is a 400 naming it; an appliance that cannot do it now (no swap manager, an image the
 * layer source cannot resolve) is a 409 with the reason.
 */
final class BindingsRestView {

    /** The JSON body's fields of a bind. */
    static final Set<String> BIND_FIELDS = Set.of("function", "param", "value", "reference");

    private static final ObjectMapper READER = new ObjectMapper();

    private BindingsRestView() {
    }

    static Map<String, Object> list(ApplianceControl control, String function) {
        List<DataLayerBinding> bindings = refusedAsStatus(() -> control.dataLayerBindings(function));
        List<Object> out = new ArrayList<>();
        bindings.forEach(b -> out.add(json(b)));
        return Map.of("bindings", out);
    }

    static Map<String, Object> bind(ApplianceControl control, String body) {
        Map<String, String> f = fields(body);
        List<LayerId> layers = refusedAsStatus(() -> control.bindDataLayer(f.get("function"), f.get("param"), f.get("value"),
                f.get("reference")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("function", f.get("function").trim());
        out.put("param", f.get("param").trim());
        out.put("value", f.get("value").trim());
        out.put("reference", f.get("reference").trim());
        out.put("layers", layers.stream().map(LayerId::toString).toList());
        return out;
    }

    static Map<String, Object> unbind(ApplianceControl control, String function, String param, String value) {
        DataLayerBinding b = refusedAsStatus(() -> control.unbindDataLayer(function, param, value));
        Map<String, Object> out = json(b);
        out.put("unbound", true);
        return out;
    }

    private static Map<String, Object> json(DataLayerBinding b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("function", b.functionId());
        m.put("param", b.paramName());
        m.put("value", b.paramValue());
        m.put("reference", b.reference());
        m.put("repository", b.repository());
        m.put("layers", b.layerIds().stream().map(LayerId::toString).toList());
        return m;
    }

    /** The bind body's string fields; refuses a body that is no JSON object, unknown fields and non-string values. */
    private static Map<String, String> fields(String body) {
        JsonNode n;
        try {
            n = body == null || body.isBlank() ? null : READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiServlet.ApiException(HttpServletResponse.SC_BAD_REQUEST, "the request body is not JSON: "
                    + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new ApiServlet.ApiException(HttpServletResponse.SC_BAD_REQUEST, "want a JSON object body with "
                    + new TreeSet<>(BIND_FIELDS));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!BIND_FIELDS.contains(e.getKey())) {
                throw new ApiServlet.ApiException(HttpServletResponse.SC_BAD_REQUEST, "unknown field '" + e.getKey() + "'; valid: "
                        + String.join(", ", new TreeSet<>(BIND_FIELDS)));
            }
            if (!e.getValue().isTextual()) {
                throw new ApiServlet.ApiException(HttpServletResponse.SC_BAD_REQUEST, "field '" + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        for (String k : new TreeSet<>(BIND_FIELDS)) {
            if (out.getOrDefault(k, "").isBlank()) {
                throw new ApiServlet.ApiException(HttpServletResponse.SC_BAD_REQUEST, "missing field '" + k + "'");
            }
        }
        return out;
    }

    private static <T> T refusedAsStatus(Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalArgumentException e) {
            throw new ApiServlet.ApiException(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiServlet.ApiException(HttpServletResponse.SC_CONFLICT, e.getMessage());
        }
    }
}
