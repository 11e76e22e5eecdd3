package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.layerswap.api.ApplianceControl;
import org.layerswap.api.ApplianceStatus;
import org.layerswap.api.BackendInfo;
import org.layerswap.api.DataLayerBinding;
import org.layerswap.api.LayerDescriptor;
import org.layerswap.api.LayerId;
import org.layerswap.api.ServiceInfo;

class BindingsRestViewTest {

    private static final LayerId A = LayerId.of("sha256:" + "a".repeat(64));

    /** Knows function f only; the image "offline:1" cannot be resolved, as with a layer source that is down. */
    static final class Control implements ApplianceControl {
        final List<DataLayerBinding> bound = new ArrayList<>();

        private void known(String fn) {
            if (fn != null && !fn.isBlank() && !fn.trim().equals("f")) {
                throw new IllegalArgumentException("unknown function '" + fn + "'; defined functions: f");
            }
        }

        @Override
        public List<DataLayerBinding> dataLayerBindings(String functionId) {
            known(functionId);
            return List.copyOf(bound);
        }

        @Override
        public List<LayerId> bindDataLayer(String fn, String param, String value, String reference) {
            known(fn);
            if (reference.equals("offline:1")) {
                throw new IllegalStateException("cannot resolve image 'offline:1': registry unreachable");
            }
            bound.add(new DataLayerBinding(fn.trim(), param, value, reference, "data", List.of(new LayerDescriptor(A, 5, null))));
            return List.of(A);
        }

        @Override
        public DataLayerBinding unbindDataLayer(String fn, String param, String value) {
            known(fn);
            DataLayerBinding b = bound.stream().filter(x -> x.paramName().equals(param) && x.paramValue().equals(value)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("function f has no data layer bound to " + param + "=" + value));
            bound.remove(b);
            return b;
        }

        @Override
        public ApplianceStatus status() {
            return new ApplianceStatus(List.of(), List.of());
        }

        @Override
        public List<ServiceInfo> predictors() {
            return List.of();
        }

        @Override
        public String configuredPredictor() {
            return "";
        }

        @Override
        public void usePredictor(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<BackendInfo> backends() {
            return List.of();
        }

        @Override
        public String configuredBackend() {
            return "auto";
        }

        @Override
        public void useBackend(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean thresholdAuto() {
            return true;
        }

        @Override
        public void setThresholdAuto(boolean auto) {
            throw new UnsupportedOperationException();
        }
    }

    private final Control control = new Control();

    private static void status(int code, String message, Executable call) {
        ApiServlet.ApiException e = assertThrows(ApiServlet.ApiException.class, call);
        assertEquals(code, e.status, e.getMessage());
        assertEquals(message, e.getMessage());
    }

    @Test
    void aJsonBindIsListedAndADeleteRemovesIt() {
        assertEquals("{\"function\":\"f\",\"param\":\"dataset\",\"value\":\"a\",\"reference\":\"data/a:1\",\"layers\":[\"" + A + "\"]}",
                Json.write(BindingsRestView.bind(control, "{\"function\":\"f\",\"param\":\"dataset\",\"value\":\"a\",\"reference\":\"data/a:1\"}")));
        String one = "{\"function\":\"f\",\"param\":\"dataset\",\"value\":\"a\",\"reference\":\"data/a:1\",\"repository\":\"data\","
                + "\"layers\":[\"" + A + "\"]";
        assertEquals("{\"bindings\":[" + one + "}]}", Json.write(BindingsRestView.list(control, null)));
        assertEquals("{\"bindings\":[" + one + "}]}", Json.write(BindingsRestView.list(control, "f")));
        assertEquals(one + ",\"unbound\":true}", Json.write(BindingsRestView.unbind(control, "f", "dataset", "a")));
        assertEquals("{\"bindings\":[]}", Json.write(BindingsRestView.list(control, null)));
    }

    @Test
    void aBadBodyIsA400NamingWhatIsWrong() {
        status(400, "want a JSON object body with [function, param, reference, value]", () -> BindingsRestView.bind(control, ""));
        status(400, "want a JSON object body with [function, param, reference, value]", () -> BindingsRestView.bind(control, "[1]"));
        assertEquals(400, assertThrows(ApiServlet.ApiException.class, () -> BindingsRestView.bind(control, "{\"function\":")).status);
        status(400, "unknown field 'image'; valid: function, param, reference, value",
                () -> BindingsRestView.bind(control, "{\"function\":\"f\",\"image\":\"x\"}"));
        status(400, "field 'value' must be a string", () -> BindingsRestView.bind(control, "{\"value\":1}"));
        status(400, "missing field 'reference'", () -> BindingsRestView.bind(control, "{\"function\":\"f\",\"param\":\"p\",\"value\":\"v\"}"));
        assertEquals(List.of(), control.bound);
    }

    @Test
    void theControlsRefusalsAre400AndWhatTheApplianceCannotDoNowIs409() {
        status(400, "unknown function 'g'; defined functions: f", () -> BindingsRestView.list(control, "g"));
        status(400, "unknown function 'g'; defined functions: f",
                () -> BindingsRestView.bind(control, "{\"function\":\"g\",\"param\":\"p\",\"value\":\"v\",\"reference\":\"x:1\"}"));
        status(400, "function f has no data layer bound to p=v", () -> BindingsRestView.unbind(control, "f", "p", "v"));
        status(409, "cannot resolve image 'offline:1': registry unreachable",
                () -> BindingsRestView.bind(control, "{\"function\":\"f\",\"param\":\"p\",\"value\":\"v\",\"reference\":\"offline:1\"}"));
    }
}
