package org.robustify.runtime;

/** A failure the user can act on: bad input, a missing file, an unsupported request. Its message says what to fix. */
public class RobustifyException extends RuntimeException {
    public RobustifyException(String message) {
        super(message);
    }

    public RobustifyException(String message, Throwable cause) {
        super(message, cause);
    }
}
