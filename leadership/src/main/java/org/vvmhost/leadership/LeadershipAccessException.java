package org.vvmhost.leadership;

/**
 * The leadership backend refused us: wrong credentials, missing permission, or a TLS handshake that failed.
 * Retrying does not help; the operator must fix the configuration.
 */
public final class LeadershipAccessException extends LeadershipException {

    private static final long serialVersionUID = 1L;

    public LeadershipAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
