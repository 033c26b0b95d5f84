package org.vvmhost.leadership;

/** A registration's key is held already, by another process's lease. Nothing was written. */
public final class RegistrationConflictException extends LeadershipException {

    private static final long serialVersionUID = 1L;

    public RegistrationConflictException(String message) {
        super(message);
    }
}
