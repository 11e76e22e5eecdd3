package org.layerswap.shell;

/**
 * A {@code layerswap:*} command could not do what it was asked (a refused input, a missing
 * service, an action the pipeline declined). {@link LayerswapCommand} reports it as one line
 * {@code Error: <message>}: the message says what was wrong, without the {@code Error:} prefix.
 */
final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message);
    }

    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
