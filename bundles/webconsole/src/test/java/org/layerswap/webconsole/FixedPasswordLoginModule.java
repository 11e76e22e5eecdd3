package org.layerswap.webconsole;

import java.util.Arrays;
import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * Stands in for Karaf's properties module in a real {@link javax.security.auth.login.LoginContext}:
 * user {@code karaf} with password {@code right}; counts how often it was asked. With the option
 * {@code acceptAll} it stands in for Karaf's public-key module with a registered key instead: it
 * accepts every login without asking for a password.
 */
public final class FixedPasswordLoginModule implements LoginModule {

    static volatile int asked;

    private CallbackHandler handler;
    private boolean acceptAll;

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState, Map<String, ?> options) {
        this.handler = callbackHandler;
        this.acceptAll = options.containsKey("acceptAll");
    }

    @Override
    public boolean login() throws LoginException {
        if (acceptAll) {
            return true;
        }
        asked++;
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("password", false);
        try {
            handler.handle(new Callback[] {name, password});
        } catch (Exception e) {
            throw new FailedLoginException("no password: " + e);
        }
        if ("karaf".equals(name.getName()) && password.getPassword() != null
                && Arrays.equals("right".toCharArray(), password.getPassword())) {
            return true;
        }
        throw new FailedLoginException("wrong password");
    }

    @Override
    public boolean commit() {
        return true;
    }

    @Override
    public boolean abort() {
        return true;
    }

    @Override
    public boolean logout() {
        return true;
    }
}
