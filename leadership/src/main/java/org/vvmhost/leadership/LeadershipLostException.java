package org.vvmhost.leadership;

/** Leadership was lost: lease expired or revoked, key deleted, keepalive ended, or the renew deadline passed. */
public final class LeadershipLostException extends LeadershipException {

    private static final long serialVersionUID = 1L;

    public LeadershipLostException(String reason) {
        super(reason);
    }

    public LeadershipLostException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
