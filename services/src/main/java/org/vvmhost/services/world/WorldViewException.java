package org.vvmhost.services.world;

/** A world view that cannot be written, read or used: the message says which and why. */
public class WorldViewException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WorldViewException(String message) {
        super(message);
    }

    public WorldViewException(String message, Throwable cause) {
        super(message, cause);
    }
}
