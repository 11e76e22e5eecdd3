package org.layerswap.shell;

import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.layerswap.api.BackendInfo;

/** Completes {@code auto} and the names of installed filesystem backends. */
@Service
public class BackendNameCompleter extends ChoiceNameCompleter {

    @Override
    Stream<String> names() {
        return Stream.concat(Stream.of("auto"), control.backends().stream().map(BackendInfo::name));
    }
}
