package org.layerswap.webconsole;

import java.io.Serializable;
import java.util.Set;

/** Who is logged in to the console, kept in the HTTP session. */
record ConsoleUser(String name, Set<String> roles, String csrfToken) implements Serializable {

    static final String SESSION_ATTRIBUTE = "org.layerswap.webconsole.user";
    static final String ADMIN_ROLE = "admin";

    boolean isAdmin() {
        return roles.contains(ADMIN_ROLE);
    }
}
