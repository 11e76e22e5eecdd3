package org.layerswap.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** layerswap:bind, layerswap:unbind and layerswap:bindings against a fake control service. */
class DataLayerCommandsTest {

    private final FakeControl control = new FakeControl();

    private Console bind(String fn, String param, String value, String ref) throws Exception {
        BindCommand c = new BindCommand();
        c.control = control;
        c.function = fn;
        c.param = param;
        c.value = value;
        c.reference = ref;
        return Console.run(c::execute);
    }

    private Console bindings(String fn) throws Exception {
        BindingsCommand c = new BindingsCommand();
        c.control = control;
        c.function = fn;
        return Console.run(c::execute);
    }

    private Console unbind(String fn, String param, String value) throws Exception {
        UnbindCommand c = new UnbindCommand();
        c.control = control;
        c.function = fn;
        c.param = param;
        c.value = value;
        return Console.run(c::execute);
    }

    @Test
    void aBindingIsConfirmedWithItsDataLayersAndListedInTheTable() throws Exception {
        Console bound = bind("f", "dataset", "a", "data/a:1");
        assertEquals("Function f: dataset=a -> data/a:1 (1 data layer(s): aaaaaaaaaaaa)", bound.out().strip());
        bind("f", "dataset", "b", "data/b:1");
        String out = bindings(null).out();
        assertTrue(out.startsWith("2 data layer binding(s)\n"), out);
        assertTrue(out.matches("(?s).*Function\\s*\\|\\s*Param\\s*\\|\\s*Value\\s*\\|\\s*Layers\\s*\\|\\s*Reference.*"), out);
        assertTrue(out.matches("(?s).*f\\s*\\|\\s*dataset\\s*\\|\\s*a\\s*\\|\\s*aaaaaaaaaaaa\\s*\\|\\s*data/a:1.*"), out);
        assertTrue(out.matches("(?s).*f\\s*\\|\\s*dataset\\s*\\|\\s*b\\s*\\|\\s*bbbbbbbbbbbb\\s*\\|\\s*data/b:1.*"), out);
        assertTrue(bindings("f").out().startsWith("2 data layer binding(s) of f"));
    }

    @Test
    void anUnbindIsConfirmedAndTheBindingLeavesTheList() throws Exception {
        bind("f", "dataset", "a", "data/a:1");
        Console c = unbind("f", "dataset", "a");
        assertNull(c.result());
        assertEquals("Function f: dataset=a no longer selects data/a:1 (1 data layer(s))", c.out().strip());
        assertTrue(bindings("f").out().startsWith("0 data layer binding(s) of f"));
    }

    @Test
    void refusalsAreOneErrorLineNamingWhatWasWrong() throws Exception {
        Console c = unbind("f", "dataset", "zzz");
        assertEquals("Error: function f has no data layer bound to dataset=zzz", c.err().strip());
        assertEquals("", c.out());
        assertEquals("Error: unknown function 'g'; defined functions: f", bind("g", "dataset", "a", "x:1").err().strip());
        assertEquals("Error: unknown function 'g'; defined functions: f", bindings("g").err().strip());
        assertTrue(control.bindings.isEmpty());
    }
}
