package org.vvmhost.leadership;

/** The leadership backend could not be reached. Retrying may help. */
public final class LeadershipUnavailableException extends LeadershipException {

    private static final long serialVersionUID = 1L;

    public LeadershipUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
