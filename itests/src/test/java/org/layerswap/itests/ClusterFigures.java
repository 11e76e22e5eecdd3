package org.layerswap.itests;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measurements {@link ClusterIT} prints for docs/cluster.md: a blob's transfer rate from one URL (the registry or a
 * peer endpoint, same client, same loopback, hashed while read as both pulls are in the appliance), and the ingest rate
 * a set of members acknowledges under closed-loop load.
 */
final class ClusterFigures {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private ClusterFigures() {
    }

    /** One transfer: bytes, seconds, and the sha256 of what came. */
    record Transfer(long bytes, double seconds, String digest) {
        double mibPerSecond() {
            return bytes / seconds / (1 << 20);
        }
    }

    /** GETs {@code url} (with {@code authorization} when not null), hashing the body; fails unless 200. */
    static Transfer get(URI url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(120)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[1 << 16];
            for (int k; (k = in.read(buf)) > 0; n += k) {
                sha.update(buf, 0, k);
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode());
        }
        return new Transfer(n, s, "sha256:" + HexFormat.of().formatHex(sha.digest()));
    }

    /** The best of {@code rounds} transfers of {@code url} (the least disturbed by the machine's other load). */
    static Transfer best(URI url, String authorization, int rounds) throws Exception {
        Transfer best = null;
        for (int i = 0; i < rounds; i++) {
            Transfer t = get(url, authorization);
            if (best == null || t.seconds() < best.seconds()) {
                best = t;
            }
        }
        return best;
    }

    /**
     * Closed-loop ingest for {@code millis}: {@code sendersPerMember} threads per member, each POSTing batches of
     * {@code batch} events of functions {@code prefix0..prefix15} one after the other. Returns acknowledged events/s.
     */
    static double ingestRate(List<ClusterMember> members, int sendersPerMember, int batch, long millis, String prefix) throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        long end = System.currentTimeMillis() + millis;
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (ClusterMember m : members) {
            for (int s = 0; s < sendersPerMember; s++) {
                int sender = s;
                Thread t = new Thread(() -> {
                    for (int i = 0; System.currentTimeMillis() < end; i++) {
                        try {
                            acknowledged.addAndGet(m.ingest(prefix + ((sender * 7 + i) % 16), batch));
                        } catch (Exception e) {
                            throw new IllegalStateException("ingest on node " + m.index + " failed", e);
                        }
                    }
                }, "cluster-bench-" + m.index + "-" + s);
                t.start();
                threads.add(t);
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        return acknowledged.get() / ((System.nanoTime() - t0) / 1e9);
    }
}
