package org.robustify.runtime;

import org.robustify.bindings.RobustifyNative;

/** A non-OK status from the native core, carrying the core's own message (which names the bad argument). */
public final class NativeException extends RobustifyException {
    private final int status;

    public NativeException(int status, String nativeMessage) {
        super(RobustifyNative.rfy_status_name(status) + ": " + nativeMessage);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Throws if {@code status} is not RFY_OK; call right after the native function, on the same thread. */
    public static void check(int status) {
        if (status != RobustifyNative.RFY_OK) {
            throw new NativeException(status, RobustifyNative.rfy_last_error());
        }
    }
}
