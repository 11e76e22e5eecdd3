package org.layerswap.webconsole;

import java.util.Locale;

import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.ClientPrincipal;

/**
 * The client's host address of a JAAS login, as the throttle's per-address key. Karaf's login
 * entry points put a {@link ClientPrincipal} into the subject before the login modules run:
 * {@code ssh} with {@code InetSocketAddress.toString()} ({@code "/127.0.0.1:40312"},
 * {@code "/[::1]:40312"}), {@code webconsole} (the Felix console) with {@code host:port},
 * {@code jmx} with the bare host; the dashboard adds {@code layerswap} with the bare host.
 *
 * <p>Invariant: the port is cut only for the methods known to append one, so the same client gets
 * the same key over every channel; a login without a principal has the empty address (all such
 * logins share one address key, and each still counts against its user).
 */
final class ClientAddress {

    /** The dashboard's login method name in its {@link ClientPrincipal}. */
    static final String DASHBOARD = "layerswap";

    private ClientAddress() {
    }

    /** The host of the first {@link ClientPrincipal} in the subject, or "" when there is none. */
    static String of(Subject subject) {
        if (subject == null) {
            return "";
        }
        for (ClientPrincipal p : subject.getPrincipals(ClientPrincipal.class)) {
            return host(p.getMethod(), p.getAddress());
        }
        return "";
    }

    /** The host part of {@code address} as the login method {@code method} writes it. */
    static String host(String method, String address) {
        if (address == null) {
            return "";
        }
        String s = address.trim();
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            s = s.substring(slash + 1); // "name/1.2.3.4:22" -> "1.2.3.4:22"
        }
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            return end > 0 ? s.substring(1, end).toLowerCase(Locale.ROOT) : s;
        }
        boolean withPort = "ssh".equals(method) || "webconsole".equals(method);
        int colon = s.lastIndexOf(':');
        if (withPort && colon > 0 && colon < s.length() - 1 && s.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            s = s.substring(0, colon);
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
