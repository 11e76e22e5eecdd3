package org.layerswap.shell;

/** Checks of an operator's input that every command shares; a refusal is a {@link CommandFailure}. */
final class Operator {

    private Operator() {
    }

    /** The optional service a command needs, or a failure naming it and the feature that provides it. */
    static <T> T require(T service, String what, String feature) {
        if (service == null) {
            throw new CommandFailure("no " + what + " is running (feature " + feature + ")");
        }
        return service;
    }

    /** Refuses an option's value outside [min, max], naming the option and the value. */
    static void inRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CommandFailure(option + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
