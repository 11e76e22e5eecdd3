package org.layerswap.shell;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.layerswap.api.ApplianceControl;

/**
 * The shared body of the {@code -use} half of an operator choice ({@code predictor-use},
 * {@code fs-use}): apply the choice through {@link ApplianceControl}, confirm it with the
 * configuration it was written to, or print the control service's refusal as a one-line error.
 * The subclass declares the {@code @Argument} itself, for its own description and completer.
 */
abstract class ChoiceUseCommand extends LayerswapCommand {

    @Reference
    ApplianceControl control;

    private final String what;
    private final String setting;

    /**
     * @param what    what is switched, as the confirmation starts ("Predictor")
     * @param setting the configuration PID and key the choice is stored in ("org.layerswap.profiler predictor")
     */
    ChoiceUseCommand(String what, String setting) {
        this.what = what;
        this.setting = setting;
    }

    /** The chosen name (the subclass's argument). */
    abstract String chosen();

    /** Applies the choice; an unknown name is refused with an {@link IllegalArgumentException}. */
    abstract void use(String name);

    @Override
    void run() throws Exception {
        String name = chosen();
        use(name);
        System.out.println(what + " set to " + name + " (" + setting + "=" + name + ")");
    }
}
