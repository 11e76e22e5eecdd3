import java.io.IOException;
import java.nio.file.Path;

import org.layerswap.api.InvocationEvent;
import org.layerswap.workload.InvocationLog;
import org.layerswap.workload.InvocationStream;
import org.layerswap.workload.SyntheticWorkload;

/**
 * Writes the seeded synthetic fleet (bundles/workload SyntheticWorkload) as a JSON-lines invocation
 * log whose last event lies {@code endAgoMillis} before now, so the appliance ingests it as recent
 * history (the synthetic trace itself starts at the epoch). Run by tools/footprint.sh with the
 * appliance's own workload and api jars on the class path:
 * {@code java -cp <jars> FootprintTrace.java days=7,functions=10000,seed=1 out.jsonl [endAgoMillis [fromDay]]};
 * with {@code fromDay} only the trace's days from that one on are written (day 0 is the first), to feed a
 * longer history in parts.
 */
public class FootprintTrace {

    public static void main(String[] args) throws IOException {
        SyntheticWorkload workload = SyntheticWorkload.of(args[0]);
        long endAgo = args.length > 2 ? Long.parseLong(args[2]) : 60_000L;
        long shift = System.currentTimeMillis() - endAgo - workload.durationMillis();
        long from = args.length > 3 ? (long) (Double.parseDouble(args[3]) * SyntheticWorkload.DAY) : 0;
        long n = 0;
        try (InvocationStream events = workload.stream(); InvocationLog.LogWriter out = InvocationLog.writer(Path.of(args[1]))) {
            while (events.hasNext()) {
                InvocationEvent e = events.next();
                if (e.timestampMillis() < from) {
                    continue;
                }
                out.write(new InvocationEvent(e.functionId(), e.timestampMillis() + shift, e.params(), e.tenant()));
                n++;
            }
        }
        System.out.println(n + " invocations of " + workload.functions().size() + " functions written to " + args[1]);
    }
}
