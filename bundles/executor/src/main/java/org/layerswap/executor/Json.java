package org.layerswap.executor;

import java.util.Map;
import java.util.TreeMap;

/** The invocation's parameters as a JSON object (keys sorted), written to the function's stdin. */
final class Json {

    private Json() {
    }

    static String object(Map<String, String> params) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            string(b, e.getKey()).append(':');
            string(b, e.getValue());
        }
        return b.append('}').toString();
    }

    private static StringBuilder string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
