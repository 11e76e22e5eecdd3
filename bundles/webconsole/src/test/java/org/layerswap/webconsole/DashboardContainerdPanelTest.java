package org.layerswap.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.layerswap.api.ContainerdView;

/**
 * The dashboard's containerd panel against the JSON it renders ({@link ContainerdStatusView}): the page ships it hidden
 * (the feature is opt-in), the script polls {@code containerd} and shows the panel only when {@code installed}, and
 * every field the script reads is one the REST view writes, so a renamed key fails here rather than as "undefined" on
 * the operator's screen.
 */
class DashboardContainerdPanelTest {

    private static final ContainerdView ONE_REGISTRATION = () -> new ContainerdView.ContainerdStatus(true, "/s.sock", true, false,
            Map.of("ACTIVE", 1L, "VIEW", 0L, "COMMITTED", 2L), 1, 0, 4, 3, 1, 1, 2, 0,
            List.of(new ContainerdView.Registration("default", "reg/fn:1", "l-1", 5, 2)));

    private static String resource(String name) throws IOException {
        try (InputStream in = DashboardContainerdPanelTest.class.getResourceAsStream("/static/" + name)) {
            if (in == null) {
                throw new AssertionError("static/" + name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The body of {@code function renderContainerd(d) { ... }}: up to the first line that closes a top-level block. */
    private static String renderContainerd() throws IOException {
        String js = resource("dashboard.js");
        int start = js.indexOf("function renderContainerd(d) {");
        assertTrue(start >= 0, "dashboard.js has no renderContainerd(d)");
        int end = js.indexOf("\n}\n", start);
        return js.substring(start, end);
    }

    /** {@code variable.a} and {@code variable.a.b} in {@code body}; a method call ({@code d.list.map(...)}) counts as {@code a}. */
    private static Set<String> fields(String body, String variable) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("\\b" + variable + "\\.([A-Za-z]+)(?:\\.([A-Za-z]+)\\b(?!\\())?").matcher(body);
        while (m.find()) {
            out.add(m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2));
        }
        return out;
    }

    @Test
    void thePageShipsTheContainerdPanelHiddenAndTheScriptShowsItOnlyWhenTheFeatureIsInstalled() throws IOException {
        String html = resource("index.html");
        Matcher panel = Pattern.compile("<section [^>]*id=\"containerd-panel\"[^>]*>").matcher(html);
        assertTrue(panel.find(), "index.html has no containerd panel");
        assertTrue(panel.group().contains(" hidden"), panel.group());
        for (String id : List.of("containerd-summary", "containerd-counters", "containerd-table")) {
            assertTrue(html.contains("id=\"" + id + "\""), "index.html lacks #" + id);
        }
        String js = resource("dashboard.js");
        assertTrue(js.contains("getJson('containerd')"), "the slow poll does not read api/containerd");
        assertTrue(js.contains("renderContainerd(containerd)"), "the slow poll does not render the containerd panel");
        assertTrue(renderContainerd().contains("el('containerd-panel').hidden = !d.installed;"), renderContainerd());
    }

    @Test
    void everyFieldThePanelReadsIsOneTheRestViewWrites() throws IOException {
        String body = renderContainerd();
        Map<String, Object> json = ContainerdStatusView.of(ONE_REGISTRATION);
        Set<String> read = fields(body, "d");
        assertTrue(read.containsAll(Set.of("installed", "serving", "socket", "learning", "connected", "snapshots", "handshakes.hits",
                "handshakes.misses", "events.seen", "events.mapped", "events.dropped", "leasedLayers", "registrations")), read.toString());
        for (String f : read) {
            String[] path = f.split("\\.");
            Object v = json.get(path[0]);
            assertTrue(json.containsKey(path[0]), "the panel reads d." + f + " but /api/containerd has no '" + path[0] + "'");
            if (path.length == 2 && !(v instanceof List)) {
                assertTrue(v instanceof Map<?, ?> sub && sub.containsKey(path[1]),
                        "the panel reads d." + f + " but /api/containerd's '" + path[0] + "' is " + v);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> registration = ((List<Map<String, Object>>) json.get("registrations")).get(0);
        Set<String> perRow = fields(body, "r");
        assertEquals(Set.of("atMillis", "image", "layers", "lease", "namespace"), perRow);
        for (String f : perRow) {
            assertTrue(registration.containsKey(f), "the panel reads r." + f + " but a registration has no '" + f + "'");
        }
    }

    @Test
    void withoutTheFeatureTheJsonTheScriptTestsSaysNotInstalled() {
        assertFalse((Boolean) ContainerdStatusView.of(null).get("installed"));
        assertTrue((Boolean) ContainerdStatusView.of(ONE_REGISTRATION).get("installed"));
    }
}
