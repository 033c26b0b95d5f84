package org.vvmhost.services.world.journal;

/** The command journal could not be read or written; the message says which entry and why. */
public final class JournalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
