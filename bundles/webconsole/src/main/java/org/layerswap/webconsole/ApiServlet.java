package org.layerswap.webconsole;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.layerswap.api.ApplianceControl;
import org.layerswap.api.BehavioralProfiler;
import org.layerswap.api.ClusterView;
import org.layerswap.api.ContainerdView;
import org.layerswap.api.FeedbackLoop;
import org.layerswap.api.LayerStore;
import org.layerswap.api.FunctionExecutor;
import org.layerswap.api.SwapManager;
import org.layerswap.api.config.DataPaths;
import org.layerswap.feedback.FeedbackControl;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON REST API under {@code /layerswap/api}: everything the dashboard shows and does. Services
 * that are not installed simply report as absent, so the API works while bundles come and go.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(ConsoleContext.SELECT)
@HttpWhiteboardServletName("layerswap-api")
@HttpWhiteboardServletPattern("/api/*")
public class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile BehavioralProfiler profiler;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile SwapManager swapManager;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile LayerStore layerStore;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile FeedbackLoop feedbackLoop;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile FunctionExecutor executor;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile ClusterView cluster;

    @Reference
    ApplianceControl control;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile ContainerdView containerd;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile FeedbackControl feedbackControl;

    private transient ReplayJobs replays;

    private transient ApplianceView view;

    private final transient Map<String, Function<HttpServletRequest, Object>> gets = new LinkedHashMap<>();
    private final transient Map<String, Function<HttpServletRequest, Object>> posts = new LinkedHashMap<>();
    private final transient Map<String, Function<HttpServletRequest, Object>> deletes = new LinkedHashMap<>();

    @Activate
    void activate() {
        replays = new ReplayJobs(DataPaths.dataDir().resolve("replay"));
        this.view = new ApplianceView(control, () -> profiler, () -> swapManager, () -> layerStore, () -> feedbackLoop);
        gets.put("session", this::session);
        gets.put("status", r -> view.status());
        gets.put("overview", r -> view.overview(intParam(r, "k", 20, 1, 500)));
        gets.put("predictions", r -> view.predictions(intParam(r, "k", 20, 1, 500)));
        gets.put("predictors", r -> view.predictors());
        gets.put("backends", r -> view.backends());
        gets.put("layers", r -> view.layers());
        gets.put("swaps", r -> view.swaps(intParam(r, "limit", 50, 1, 1000)));
        gets.put("prefetches", r -> view.prefetches(intParam(r, "limit", 50, 1, 1000)));
        gets.put("threshold", r -> view.threshold());
        gets.put("functions", r -> view.functions());
        gets.put("controller", r -> FeedbackView.controller(feedbackControl, intParam(r, "limit", 50, 1, 1000)));
        gets.put("experiment", r -> FeedbackView.experiments(feedbackControl));
        gets.put("replays", r -> replays.list());
        gets.put("executions", r -> ExecutionView.executions(executor, intParam(r, "limit", 50, 1, 1000)));
        gets.put("cluster", r -> ClusterRestView.status(cluster));
        gets.put("cluster/place", r -> ClusterRestView.place(cluster, r.getParameter("function")));
        gets.put("restart", r -> RestartView.of(control));
        gets.put("containerd", r -> ContainerdStatusView.of(containerd));
        gets.put("bindings", r -> BindingsRestView.list(control, r.getParameter("function")));
        posts.put("invoke", this::invoke);
        posts.put("experiment", r -> FeedbackView.act(feedbackControl, param(r, "action"), r));
        posts.put("replay", this::startReplay);
        posts.put("predictor", r -> usePredictor(param(r, "name")));
        posts.put("backend", r -> useBackend(param(r, "name")));
        posts.put("threshold", r -> setThreshold(param(r, "value")));
        posts.put("bindings", r -> BindingsRestView.bind(control, body(r)));
        deletes.put("bindings", r -> BindingsRestView.unbind(control, param(r, "function"), param(r, "param"), param(r, "value")));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        dispatch(gets, request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        dispatch(posts, request, response);
    }

    /** Mutating like POST: {@link ConsoleContext} asks for the admin role and the CSRF proof of every non-GET request. */
    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        dispatch(deletes, request, response);
    }

    @Deactivate
    void deactivate() {
        replays.close();
    }

    private Object startReplay(HttpServletRequest r) {
        java.util.List<String> options = new java.util.ArrayList<>();
        for (String o : new String[] {"budget", "bandwidth", "rtt", "unpack", "warmup", "policies"}) {
            String v = r.getParameter(o);
            if (v != null && !v.isBlank()) {
                options.add("--" + o);
                options.add(v.trim());
            }
        }
        try {
            return replays.start(options, param(r, "trace")).view();
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpServletResponse.SC_BAD_REQUEST, e.getMessage().lines().findFirst().orElse("bad replay options"));
        }
    }

    /** GET /api/replays/{id}/{file}: a report file of a finished console replay. */
    private boolean serveReplayFile(String path, HttpServletResponse response) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("replays/(\\d+)/([a-z0-9-]+\\.(png|md|csv))").matcher(path);
        if (!m.matches()) {
            return false;
        }
        var job = replays.job(Long.parseLong(m.group(1)));
        Path file = job.map(j -> j.dir.resolve(m.group(2))).orElse(null);
        if (file == null || !java.nio.file.Files.isRegularFile(file)) {
            ConsoleContext.error(response, HttpServletResponse.SC_NOT_FOUND, "no file " + m.group(2) + " for replay " + m.group(1));
            return true;
        }
        response.setContentType(switch (m.group(3)) {
            case "png" -> "image/png";
            case "csv" -> "text/csv;charset=utf-8";
            default -> "text/markdown;charset=utf-8";
        });
        java.nio.file.Files.copy(file, response.getOutputStream());
        return true;
    }

    private void dispatch(Map<String, Function<HttpServletRequest, Object>> routes, HttpServletRequest request,
                          HttpServletResponse response) throws IOException {
        String path = Objects.requireNonNullElse(request.getPathInfo(), "/").replaceAll("^/+|/+$", "");
        if ("GET".equals(request.getMethod()) && serveReplayFile(path, response)) {
            return;
        }
        Function<HttpServletRequest, Object> handler = routes.get(path);
        if (handler == null) {
            ConsoleContext.error(response, HttpServletResponse.SC_NOT_FOUND, "no " + request.getMethod() + " /api/" + path
                    + "; valid: " + String.join(", ", routes.keySet()));
            return;
        }
        try {
            Object body = handler.apply(request);
            response.setContentType("application/json;charset=utf-8");
            response.getWriter().write(Json.write(body));
        } catch (ApiException e) {
            ConsoleContext.error(response, e.status, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("REST {} /api/{} failed", request.getMethod(), path, e);
            ConsoleContext.error(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    "internal error (" + e.getClass().getSimpleName() + "); see the appliance log");
        }
    }

    private Object session(HttpServletRequest request) {
        ConsoleUser user = (ConsoleUser) request.getAttribute(ConsoleContext.REQUEST_USER);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", user.name());
        m.put("roles", user.roles());
        m.put("admin", user.isAdmin());
        m.put("csrfToken", user.csrfToken());
        return m;
    }

    private Object usePredictor(String name) {
        refusedAsBadRequest(() -> control.usePredictor(name));
        return Map.of("predictor", name);
    }

    private Object useBackend(String name) {
        refusedAsBadRequest(() -> control.useBackend(name));
        return Map.of("backend", name);
    }

    private static void refusedAsBadRequest(Runnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        }
    }

    /** POST /api/invoke?function=F&amp;param=name=value...: runs one invocation and returns its result with output. */
    private Object invoke(HttpServletRequest r) {
        FunctionExecutor ex = executor;
        if (ex == null) {
            throw new ApiException(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "no function executor is running (feature layerswap-executor)");
        }
        try {
            return ExecutionView.result(ex.execute(param(r, "function"), FunctionExecutor.params(r.getParameterValues("param") == null
                    ? java.util.List.of() : java.util.List.of(r.getParameterValues("param")))), true);
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        }
    }

    private Object setThreshold(String value) {
        if ("auto".equalsIgnoreCase(value)) {
            control.setThresholdAuto(true);
            return Map.of("threshold", "auto");
        }
        double t;
        try {
            t = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new ApiException(HttpServletResponse.SC_BAD_REQUEST, "threshold '" + value + "' is not a number in [0,1] or auto");
        }
        if (!(t >= 0 && t <= 1)) {
            throw new ApiException(HttpServletResponse.SC_BAD_REQUEST, "threshold " + value + " is outside [0,1]");
        }
        SwapManager sm = swapManager;
        if (sm == null) {
            throw new ApiException(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "no swap manager is running");
        }
        control.setThresholdAuto(false); // an operator's number stays put
        sm.setThreshold(t);
        return Map.of("threshold", sm.threshold());
    }

    private static String param(HttpServletRequest request, String name) {
        String v = request.getParameter(name);
        if (v == null || v.isBlank()) {
            throw new ApiException(HttpServletResponse.SC_BAD_REQUEST, "missing parameter '" + name + "'");
        }
        return v.trim();
    }

    /** The request body as text (at most 64 KiB: a bind body is a few hundred bytes). */
    private static String body(HttpServletRequest request) {
        try {
            char[] buf = new char[65536 + 1];
            int n = 0;
            java.io.Reader in = request.getReader();
            for (int r; n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0; ) {
                n += r;
            }
            if (n > 65536) {
                throw new ApiException(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "request body over 64 KiB");
            }
            return new String(buf, 0, n);
        } catch (IOException e) {
            throw new ApiException(HttpServletResponse.SC_BAD_REQUEST, "cannot read the request body: " + e.getMessage());
        }
    }

    private static int intParam(HttpServletRequest request, String name, int dflt, int min, int max) {
        String v = request.getParameter(name);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new ApiException(HttpServletResponse.SC_BAD_REQUEST, "parameter '" + name + "' must be an integer in [" + min + "," + max + "], got '" + v + "'");
    }

    /** An error the client caused, reported with its status. */
    static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
