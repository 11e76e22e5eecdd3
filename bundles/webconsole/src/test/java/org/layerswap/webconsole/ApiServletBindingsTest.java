package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The routes of /api/bindings in the servlet: GET lists, POST binds from a JSON body, DELETE unbinds. */
class ApiServletBindingsTest {

    private final BindingsRestViewTest.Control control = new BindingsRestViewTest.Control();
    private final ApiServlet servlet = new ApiServlet();

    record Reply(int status, String body) {
    }

    @BeforeEach
    void activate() {
        servlet.control = control;
        servlet.activate();
    }

    @AfterEach
    void deactivate() {
        servlet.deactivate();
    }

    private Reply call(String method, Map<String, String> params, String body) throws Exception {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getPathInfo" -> "/bindings";
                    case "getProtocol" -> "HTTP/1.1";
                    case "getParameter" -> params.get((String) a[0]);
                    case "getReader" -> new BufferedReader(new StringReader(body));
                    default -> null;
                });
        StringWriter out = new StringWriter();
        PrintWriter writer = new PrintWriter(out);
        int[] status = {200};
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    if (m.getName().equals("setStatus")) {
                        status[0] = (Integer) a[0];
                    }
                    return m.getName().equals("getWriter") ? writer : null;
                });
        servlet.service(request, response);
        writer.flush();
        return new Reply(status[0], out.toString());
    }

    @Test
    void postBindsGetListsAndDeleteUnbinds() throws Exception {
        Reply bound = call("POST", Map.of(), "{\"function\":\"f\",\"param\":\"dataset\",\"value\":\"a\",\"reference\":\"data/a:1\"}");
        assertEquals(200, bound.status(), bound.body());
        assertTrue(bound.body().startsWith("{\"function\":\"f\",\"param\":\"dataset\""), bound.body());
        Reply listed = call("GET", Map.of("function", "f"), "");
        assertTrue(listed.body().startsWith("{\"bindings\":[{\"function\":\"f\",\"param\":\"dataset\",\"value\":\"a\""), listed.body());
        Reply unbound = call("DELETE", Map.of("function", "f", "param", "dataset", "value", "a"), "");
        assertEquals(200, unbound.status(), unbound.body());
        assertTrue(unbound.body().endsWith("\"unbound\":true}"), unbound.body());
        assertEquals("{\"bindings\":[]}", call("GET", Map.of(), "").body());
    }

    @Test
    void aDeleteWithoutItsParametersOrOfAnUnboundValueIsA400() throws Exception {
        assertEquals(new Reply(400, "{\"error\":\"missing parameter 'value'\"}"),
                call("DELETE", Map.of("function", "f", "param", "dataset"), ""));
        assertEquals(new Reply(400, "{\"error\":\"function f has no data layer bound to dataset=a\"}"),
                call("DELETE", Map.of("function", "f", "param", "dataset", "value", "a"), ""));
    }
}
