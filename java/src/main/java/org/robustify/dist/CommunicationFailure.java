package org.robustify.dist;

import org.robustify.runtime.RobustifyException;

/** A collective or the rendezvous failed: a peer died, hung past the timeout, or never joined. */
public final class CommunicationFailure extends RobustifyException {
    public CommunicationFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
