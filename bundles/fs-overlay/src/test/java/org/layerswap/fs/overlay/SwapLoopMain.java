package org.layerswap.fs.overlay;

import java.nio.file.Path;
import java.util.List;

/**
 * Child-process driver for the kill -9 test: composes {@code fn} on stack A, then swaps between
 * stacks A and B forever, printing "swapped N" after each flip. Args: root stackA(comma) stackB(comma).
 */
public final class SwapLoopMain {

    private SwapLoopMain() {
    }

    public static void main(String[] args) throws Exception {
        OverlayBackend b = new OverlayBackend(Path.of(args[0]), 0);
        b.recover();
        List<Path> a = paths(args[1]);
        List<Path> c = paths(args[2]);
        for (long i = 0; ; i++) {
            b.compose("fn", i % 2 == 0 ? a : c);
            System.out.println("swapped " + i);
            System.out.flush();
        }
    }

    private static List<Path> paths(String s) {
        return java.util.Arrays.stream(s.split(",")).map(Path::of).toList();
    }
}
