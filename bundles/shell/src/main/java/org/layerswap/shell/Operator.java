package org.layerswap.shell;

/** Runs an operator action and reports a refused input as a one-line error, never a stack trace. */
final class Operator {

    private Operator() {
    }

    static Object attempt(Runnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("Error: " + e.getMessage());
        }
        return null;
    }
}
