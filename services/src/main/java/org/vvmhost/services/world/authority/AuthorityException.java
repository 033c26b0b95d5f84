package org.vvmhost.services.world.authority;

/** A grant refused before anything was written: a stale epoch, or a simulator that is absent or cannot do the work. */
public final class AuthorityException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AuthorityException(String message) {
        super(message);
    }
}
