package org.layerswap.shell;

/** Runs an operator action and reports a refused input as a one-line error, never a stack trace. */
final class Operator {

    private Operator() {
    }

    /** True (after printing the error) when an optional service the command needs is not running. */
    static boolean missing(Object service, String what, String feature) {
        if (service == null) {
            System.err.println("Error: no " + what + " is running (feature " + feature + ")");
            return true;
        }
        return false;
    }

    /** True (after printing the error) when an option's value is outside [min, max]. */
    static boolean outOfRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            System.err.println("Error: " + option + " must be between " + min + " and " + max + ", got " + value);
            return true;
        }
        return false;
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
