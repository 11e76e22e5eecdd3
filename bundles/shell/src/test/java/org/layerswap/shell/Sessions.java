package org.layerswap.shell;

import java.lang.reflect.Proxy;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.Terminal;

/** Karaf sessions as commands see them: interactive ones have a terminal, exec (batch) ones have none. */
final class Sessions {

    private Sessions() {
    }

    /** A session like Karaf's console and SSH shell sessions: with a terminal. */
    static Session interactive() {
        Terminal terminal = (Terminal) Proxy.newProxyInstance(Sessions.class.getClassLoader(), new Class<?>[] {Terminal.class},
                (proxy, method, args) -> method.getName().equals("getType") ? "ansi" : null);
        return session(terminal);
    }

    /** A session like the one Karaf's SSH exec handler creates for {@code bin/client -b} or {@code ssh host cmd}: no terminal. */
    static Session batch() {
        return session(null);
    }

    private static Session session(Terminal terminal) {
        return (Session) Proxy.newProxyInstance(Sessions.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> method.getName().equals("getTerminal") ? terminal : null);
    }
}
