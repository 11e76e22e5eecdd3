package org.layerswap.nativeio;

import java.io.IOException;

/** A failed libc call: the message names the call, the path and the errno text; {@link #errno()} is the raw value. */
public class NativeErrnoException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    public NativeErrnoException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
