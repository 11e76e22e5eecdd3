package org.layerswap.itests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One appliance of {@link ClusterIT}: the built tarball as a process ({@link RunningAppliance}) with the cluster on in
 * its etc/ as docs/cluster.md says (cluster cfg, {@code source.target=(name=peer)}, feature {@code layerswap-cluster}
 * booted, the registry behind the test's counting proxy, the demo off), and what the test asks of it over REST, the
 * ingest endpoint and the peer blob endpoint.
 */
final class ClusterMember {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");

    final int index;
    /** The Hazelcast member port and the peer blob endpoint's port. */
    final int hazelcastPort;
    final int peerPort;
    volatile RunningAppliance appliance;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    ClusterMember(int index, int hazelcastPort, int peerPort) {
        this.index = index;
        this.hazelcastPort = hazelcastPort;
        this.peerPort = peerPort;
    }

    /**
     * Starts the appliance with the cluster on: {@code members} the other members' {@code 127.0.0.1:port},
     * {@code registry} the URL of the OCI registry misses fall back to, {@code token} the cluster token file to copy
     * (0600) into its data/ before the first start, or null for the first member, which generates it.
     */
    void start(List<ClusterMember> all, String registry, Path token) throws Exception {
        List<String> others = new ArrayList<>();
        for (ClusterMember m : all) {
            if (m != this) {
                others.add("127.0.0.1:" + m.hazelcastPort);
            }
        }
        appliance = RunningAppliance.start(null, home -> {
            append(home, "org.layerswap.cluster.cfg", "enabled = true\nclusterName = itest\nbindAddress = 127.0.0.1\nport = "
                    + hazelcastPort + "\npeerPort = " + peerPort + "\nmembers = " + String.join(",", others)
                    + "\nregistry.target = (name=oci)\npeerTimeoutSeconds = 5");
            // the store pulls through the peer source; the swap manager resolves images through the same source
            append(home, "org.layerswap.store.cfg", "source.target = (name=peer)");
            append(home, "org.layerswap.swap.cfg", "source.target = (name=peer)");
            append(home, "org.layerswap.source.oci.cfg", "registry = " + registry);
            append(home, "org.layerswap.demo.cfg", "enabled = false");
            // snapshots often enough that a restarted member comes back with its own (stale) models, the hard case
            append(home, "org.layerswap.profiler.cfg", "snapshotIntervalSeconds = 10");
            Path features = home.resolve("etc/org.apache.karaf.features.cfg");
            String f = Files.readString(features);
            String booted = f.replace("layerswap-demo )", "layerswap-demo, layerswap-cluster )");
            if (booted.equals(f)) {
                throw new IllegalStateException("featuresBoot of " + features + " changed shape: cannot add layerswap-cluster");
            }
            Files.writeString(features, booted);
            if (token != null) {
                Path copy = home.resolve("data/security/cluster.token");
                Files.createDirectories(copy.getParent());
                Files.copy(token, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
            }
        });
    }

    Path home() {
        return appliance.home;
    }

    Path token() {
        return home().resolve("data/security/cluster.token");
    }

    /** Runs shell commands through bin/client; fails naming the node when the shell printed an error. */
    String shell(String commands) throws Exception {
        String out = appliance.client(commands);
        if (out.contains("Error") || out.contains("Command not found")) {
            throw new IllegalStateException("node " + index + ": " + commands + " printed: " + out);
        }
        return out;
    }

    /** GET of a REST resource as the generated admin (HTTP Basic); fails unless 200. */
    JsonNode api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(appliance.url("/layerswap/api/" + path)))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Basic " + basic())
                .header("X-Requested-By", "layerswap").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("node " + index + ": GET /layerswap/api/" + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private String basic() throws IOException {
        return Base64.getEncoder().encodeToString(("karaf:" + appliance.adminPassword()).getBytes(StandardCharsets.UTF_8));
    }

    /** This node's peer counters ({@code GET /layerswap/api/cluster}). */
    long counter(String name) throws Exception {
        return api("cluster").path("counters").path(name).asLong();
    }

    /** How many members this node sees and how many partitions it owns. */
    int members() throws Exception {
        return api("cluster").path("members").size();
    }

    int ownPartitions() throws Exception {
        for (JsonNode m : api("cluster").path("members")) {
            if (m.path("local").asBoolean()) {
                return m.path("partitions").asInt();
            }
        }
        return 0;
    }

    /** {@code function -> [invocations of this node's model (0 when it holds none), probability]} from /api/functions. */
    Map<String, double[]> functions() throws Exception {
        Map<String, double[]> out = new java.util.TreeMap<>();
        for (JsonNode f : api("functions").path("functions")) {
            out.put(f.path("function").asText(), new double[] {f.path("invocations").asDouble(), f.path("probability").asDouble()});
        }
        return out;
    }

    /** Whether every layer of {@code function} is resident here. */
    boolean resident(String function) throws Exception {
        for (JsonNode f : api("functions").path("functions")) {
            if (f.path("function").asText().equals(function)) {
                return f.path("layers").asInt() > 0 && f.path("resident").asInt() == f.path("layers").asInt();
            }
        }
        return false;
    }

    /**
     * POSTs {@code events} invocation events of {@code function} (one batch, NDJSON) to this node's HTTP ingest and
     * returns how many it acknowledged (the reply's {@code accepted} of a 2xx; 0 for anything else).
     */
    long ingest(String function, int events) throws Exception {
        StringBuilder body = new StringBuilder();
        long now = System.currentTimeMillis();
        for (int i = 0; i < events; i++) {
            body.append("{\"function\":\"").append(function).append("\",\"timestamp\":").append(now - (events - i) * 50L)
                    .append(",\"params\":{\"n\":\"").append(i).append("\"}}\n");
        }
        String token = Files.readString(home().resolve("data/security/ingest.token")).trim();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appliance.routesPort + "/ingest"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-ndjson")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ACCEPTED.matcher(r.body());
        return r.statusCode() / 100 == 2 && m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The peer blob endpoint's URL for {@code digest}. */
    URI blobUrl(String digest) {
        return URI.create("http://127.0.0.1:" + peerPort + "/layerswap/cluster/blobs/" + digest);
    }

    /** Where this node keeps the verified blob it serves to its peers ({@code BlobCache}: blobs/<algorithm>/<hex>). */
    Path servedBlob(String digest) {
        String[] d = digest.split(":", 2);
        return home().resolve("data/cluster/blobs/blobs").resolve(d[0]).resolve(d[1]);
    }

    private static void append(Path home, String file, String lines) throws IOException {
        Files.writeString(home.resolve("etc").resolve(file), "\n" + lines + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
