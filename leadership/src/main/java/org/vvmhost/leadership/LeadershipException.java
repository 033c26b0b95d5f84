package org.vvmhost.leadership;

/** A failure of leadership, translated from the transport at the boundary. */
public class LeadershipException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LeadershipException(String message) {
        super(message);
    }

    public LeadershipException(String message, Throwable cause) {
        super(message, cause);
    }
}
