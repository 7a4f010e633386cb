package dev.minihttp.server;

import java.io.IOException;

/** Writing failed because the client closed the connection, reset it, or stopped reading past the write timeout. */
public final class ClientAbortException extends IOException {

    public ClientAbortException(String message) {
        super(message);
    }

    public ClientAbortException(String message, Throwable cause) {
        super(message, cause);
    }
}
