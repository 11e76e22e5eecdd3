package org.layerswap.shell;

import java.io.PrintStream;
import java.util.List;

import org.layerswap.api.RestartReport;

/** The "Since the last start" part of {@code layerswap:status}: what was adopted, cleaned, resumed, restored, pending. */
final class RestartSection {

    private RestartSection() {
    }

    static void print(RestartReport r, PrintStream out) {
        out.println();
        out.println("Since the last start: " + r.adopted().size() + " root(s) adopted, " + r.cleaned().size() + " cleaned, "
                + r.resumed().size() + " prefetch(es) resumed, " + r.restored().size() + " restored, " + r.pending().size() + " pending");
        group("Adopted", r.adopted(), out);
        group("Cleaned", r.cleaned(), out);
        group("Resumed", r.resumed(), out);
        group("Restored", r.restored(), out);
        group("Pending", r.pending(), out);
    }

    private static void group(String title, List<String> lines, PrintStream out) {
        for (String l : lines) {
            out.println("  " + title + ": " + l);
        }
    }
}
